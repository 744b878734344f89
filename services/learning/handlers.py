"""Learning subscribers: parse the contract, call the domain, store, emit."""
from __future__ import annotations

from faststream.kafka import KafkaRouter

from contracts import learning as L
from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit import parents, timers
from ptfc.kit.deadletter import DeadLetter
from ptfc.kit.erasure import erase_kept
from ptfc.kit.handling import Context, Route, batched
from ptfc.kit.subscribe import publishes, subscribe
from services.learning import certificate_store, certificates, invitations, progress, store
from services.learning.domain import course
from services.programme import takes_the_course

# Sensitive: the names printed on certificates, written by the referral service, read only here.
NAMES_TOPIC = T.LEARNING_NAMES


@batched
async def on_referral_accepted(ctxs: list[Context]) -> None:
    """Set-based: a run of acceptances costs four statements, not four per parent. CPPP is its own
    programme (sessions recorded by Cafcass): no Parent Hub, invitation, reminder or certificate."""
    ctxs = [ctx for ctx in ctxs if takes_the_course(ctx.event.data.programme)]
    if not ctxs:
        return
    conn, accepted = ctxs[0].conn, [(ctx.event.data, ctx.event.time) for ctx in ctxs]
    await store.start(conn, accepted)
    await progress.schedule_reminders(conn, accepted, ctxs[0].service.config)
    await store.add_invitations(conn, [await invitations.issue(ctx, ctx.event.data.person_id, ctx.event.time)
                                       for ctx in ctxs])


async def on_withdrawal_accepted(ctx: Context, event: CloudEvent[R.WithdrawalAccepted]) -> None:
    d = event.data
    parent = await store.parent(ctx.conn, d.person_id)
    if parent is None or parent.referral_id != d.referral_id:
        return  # not a referral learning started (CPPP): the parent's PTfC record, if any, stays
    # Programme time: what fell due before the withdrawal still goes out (a replay held it).
    await store.withdraw(ctx.conn, d.person_id, d.referral_id, event.time)
    await progress.cancel_reminders(ctx.conn, d.referral_id, ctx.service.config, event.time)
    await timers.cancel(ctx.conn, certificates.TIMER, d.referral_id, event.time)
    await certificate_store.forget_name_unless_certified(ctx.conn, d.person_id)


async def active_parent(ctx: Context, person_id: str):
    """Partner events count only for a parent with an accepted, not withdrawn, referral."""
    return parents.accepted(await store.parent(ctx.conn, person_id, lock=True),
                            lambda row: row.status == "active")


async def on_account_activated(ctx: Context, event: CloudEvent[L.AccountActivated]) -> None:
    parent = await active_parent(ctx, event.data.person_id)  # locked: read, decide, write
    await store.activate(ctx.conn, parent.person_id, course.first_value_wins(parent.activated_at, event.time),
                         event.time)


async def on_reissue_requested(ctx: Context, event: CloudEvent[L.InvitationReissueRequested]) -> None:
    parent = await active_parent(ctx, event.data.person_id)
    if parent.activated_at is not None:
        raise DeadLetter("the account for this person_id is already activated: no invitation to reissue")
    await invitations.send(ctx, parent.person_id, event.time, reissue=True,
                           template="learning_invitation_reissued")


async def on_module_completed(ctx: Context, event: CloudEvent[L.ModuleCompleted]) -> None:
    parent = await active_parent(ctx, event.data.person_id)
    await progress.module_completed(ctx, parent, event.data.module, event.time)


async def on_survey_submitted(ctx: Context, event: CloudEvent[L.SurveySubmitted]) -> None:
    parent = await active_parent(ctx, event.data.person_id)
    await progress.survey_submitted(ctx, parent, event.data, event.time)


async def on_parent_attended(ctx: Context, event: CloudEvent[W.ParentAttended]) -> None:
    parent = await active_parent(ctx, event.data.person_id)
    await certificates.attended(ctx, parent, event.data)


@batched
async def on_certificate_name_recorded(ctxs: list[Context]) -> None:
    # No parent check: the name travels on its own topic and may arrive before the acceptance.
    await certificate_store.record_names(ctxs[0].conn, [
        (ctx.event.data.person_id, ctx.event.data.display_name, ctx.event.time) for ctx in ctxs])


async def on_person_erased(ctx: Context, event: CloudEvent[R.PersonErased]) -> None:
    await certificate_store.erase_person(ctx.conn, event.data.person_id)
    await erase_kept(ctx.conn, event.data.person_id)


PARTNER_ROUTES = {L.ACCOUNT_ACTIVATED: on_account_activated, L.MODULE_COMPLETED: on_module_completed,
                  L.SURVEY_SUBMITTED: on_survey_submitted, L.INVITATION_REISSUE_REQUESTED: on_reissue_requested}
INTERNAL_ROUTES = {R.ACCEPTED: on_referral_accepted, R.WITHDRAWAL_ACCEPTED: on_withdrawal_accepted,
                   R.PERSON_ERASED: on_person_erased}
OUTBOUND = [  # the types this service publishes on its facts topic (AsyncAPI)
    L.INVITATION_SENT, L.ELEARNING_COMPLETED, L.CERTIFICATE_ISSUED, L.FEEDBACK_RECORDED,
]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {
        T.PARTNER_LEARNING: Route(PARTNER_ROUTES, strict=True),
        T.REFERRAL_EVENTS: Route(INTERNAL_ROUTES),
        T.WORKSHOPS_EVENTS: Route({W.PARENT_ATTENDED: on_parent_attended}),
        NAMES_TOPIC: Route({L.CERTIFICATE_NAME_RECORDED: on_certificate_name_recorded}, strict=True),
    }, "Parent Hub progress, accepted or withdrawn referrals, workshop attendance, "
       "and the names certificates print.")
    publishes(router, svc, T.LEARNING_EVENTS, OUTBOUND, "E-learning facts (no contact details).")
    publishes(router, svc, T.NOTIFICATIONS_REQUESTS, [N.REQUESTED],
              "Emails to parents: invitation links, reminders, certificates (read only by notifications).")
    return router
