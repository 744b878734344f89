"""Learning subscribers: parse the contract, call the domain, store, emit."""
from __future__ import annotations

from typing import Union

from faststream.kafka import KafkaRouter

from contracts import learning as L
from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.consumer import Context, Route
from ptfc.kit.deadletter import DeadLetter
from ptfc.kit.subscribe import publishes, subscribe
from services.learning import invitations, store


async def on_referral_accepted(ctx: Context, event: CloudEvent[R.ReferralAccepted]) -> None:
    await store.upsert_parent(ctx.conn, event.data, event.time)
    await invitations.send(ctx, event.data.person_id, event.time)


async def on_withdrawal_accepted(ctx: Context, event: CloudEvent[R.WithdrawalAccepted]) -> None:
    await store.withdraw(ctx.conn, event.data.person_id, event.data.referral_id)


async def active_parent(ctx: Context, person_id: str):
    """Partner events count only for a parent with an accepted, not withdrawn, referral."""
    row = await store.parent(ctx.conn, person_id, lock=True)
    if row is None:
        raise DeadLetter("no accepted referral for this person_id")
    if row["status"] != "active":
        raise DeadLetter("the referral for this person_id was withdrawn")
    return row


async def on_account_activated(ctx: Context, event: CloudEvent[L.AccountActivated]) -> None:
    await active_parent(ctx, event.data.person_id)
    await store.activate(ctx.conn, event.data.person_id, event.time)


PARTNER_ROUTES = {L.ACCOUNT_ACTIVATED: on_account_activated}
INTERNAL_ROUTES = {R.ACCEPTED: on_referral_accepted, R.WITHDRAWAL_ACCEPTED: on_withdrawal_accepted}
Inbound = Union[CloudEvent[L.AccountActivated], CloudEvent[L.ModuleCompleted], CloudEvent[L.SurveySubmitted],
                CloudEvent[R.ReferralAccepted], CloudEvent[R.WithdrawalAccepted]]
Outbound = Union[CloudEvent[L.InvitationSent], CloudEvent[L.ElearningCompleted], CloudEvent[L.CertificateIssued]]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {
        T.PARTNER_LEARNING: Route(PARTNER_ROUTES, strict=True),
        T.REFERRAL_EVENTS: Route(INTERNAL_ROUTES),
    }, list[Inbound], "Parent Hub progress, and accepted or withdrawn referrals.")
    publishes(router, svc, T.LEARNING_EVENTS, Outbound, "E-learning facts (no contact details).")
    publishes(router, svc, T.NOTIFICATIONS_REQUESTS, CloudEvent[N.NotificationRequested],
              "Emails to parents (invitation links; read only by notifications).")
    return router
