"""Notifications subscribers: keep contacts, queue each email once. Sending is sender.py's."""
from __future__ import annotations

from typing import Union

from faststream.kafka import KafkaRouter

from contracts import notification as N
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.consumer import Context, Route
from ptfc.kit.deadletter import NotYet
from ptfc.kit.subscribe import publishes, subscribe
from services.notifications import domain, store


async def on_contact_recorded(ctx: Context, event: CloudEvent[N.ContactRecorded]) -> None:
    d = event.data
    await store.upsert_contact(ctx.conn, d.contact_id, d.role, d.name, d.email, event.subject)


async def on_notification_requested(ctx: Context, event: CloudEvent[N.NotificationRequested]) -> None:
    d = event.data
    if not await store.has_contact(ctx.conn, d.contact_id):
        # Contacts normally come first (same case key, same partition); a request that overtook
        # its contact waits for it rather than failing.
        raise NotYet(f"no contact {d.contact_id} for template {d.template}")
    nid = domain.notification_id(event.source, event.id, d.contact_id, d.template)
    await store.add_notification(ctx.conn, nid, event.subject, d.template, d.contact_id,
                                 dict(d.context), list(d.attachments))


Inbound = Union[CloudEvent[N.ContactRecorded], CloudEvent[N.NotificationRequested]]
Outbound = Union[CloudEvent[N.NotificationSent], CloudEvent[N.NotificationFailed]]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {
        T.NOTIFICATIONS_REQUESTS: Route({N.CONTACT_RECORDED: on_contact_recorded,
                                         N.REQUESTED: on_notification_requested}, strict=True),
    }, list[Inbound], "Contacts and email requests from the other services (sensitive).")
    publishes(router, svc, T.NOTIFICATIONS_EVENTS, Outbound,
              "Every notification's outcome, without address or body.")
    return router
