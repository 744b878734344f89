"""Notifications subscribers: keep contacts, queue each email once. Sending is sender.py's."""
from __future__ import annotations


from faststream.kafka import KafkaRouter

from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.handling import Context, Route, batched
from ptfc.kit.deadletter import NotYet
from ptfc.kit.erasure import erase_kept
from ptfc.kit.subscribe import publishes, subscribe
from services.notifications import store
from services.notifications.domain import delivery


@batched
async def on_contact_recorded(ctxs: list[Context]) -> None:
    await store.upsert_contacts(ctxs[0].conn, [
        (d.contact_id, d.role, d.name, d.email, c.event.subject, d.programme, d.route)
        for c in ctxs for d in (c.event.data,)])


@batched
async def on_notification_requested(ctxs: list[Context]) -> None:
    conn = ctxs[0].conn
    missing = await store.missing_contacts(conn, [c.event.data.contact_id for c in ctxs])
    if missing:
        # Contacts normally come first (same case key, same partition); a request that overtook
        # its contact waits for it rather than failing (in a run, the replay parks just that one).
        raise NotYet(f"no contact {ctxs[0].event.data.contact_id} for template {ctxs[0].event.data.template}"
                     if len(ctxs) == 1 else f"{len(missing)} contacts not known yet")
    await store.add_notifications(conn, [
        (delivery.notification_id(c.event.source, c.event.id, c.event.data.contact_id, c.event.data.template),
         c.event.subject, c.event.data.template, c.event.data.contact_id, dict(c.event.data.context),
         list(c.event.data.attachments)) for c in ctxs])


async def on_person_erased(ctx: Context, event: CloudEvent[R.PersonErased]) -> None:
    await store.erase_contact(ctx.conn, event.data.person_id)  # a parent's contact id is their person id
    await erase_kept(ctx.conn, event.data.person_id)


OUTBOUND = [  # the types this service publishes on its facts topic (AsyncAPI)
    N.SENT, N.FAILED,
]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {
        T.NOTIFICATIONS_REQUESTS: Route({N.CONTACT_RECORDED: on_contact_recorded,
                                         N.REQUESTED: on_notification_requested}, strict=True),
        T.REFERRAL_EVENTS: Route({R.PERSON_ERASED: on_person_erased}),
    }, "Contacts and email requests from the other services (sensitive).")
    publishes(router, svc, T.NOTIFICATIONS_EVENTS, OUTBOUND,
              "Every notification's outcome, without address or body.")
    return router
