"""`ptfc erase <person_id>`: an operator asks, as Cafcass would, that a person's data be erased.

It publishes the same `erasure-requested` event Cafcass sends, to the partner topic, rather than
touching any database: one path for both, so every service erases its share the same way and the
request is kept in the referral service's inbox like any other.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import asyncpg

from contracts import referral as R
from contracts import topics as T
from contracts.envelope import event_dict
from ptfc.kit import db
from ptfc.kit.outbox import make_producer
from ptfc.kit.service import database_of
from ptfc.kit.settings import Settings

SOURCE = "/ptfc/operator"


async def case_of(settings: Settings, person_id: str) -> str:
    """The person's latest case number (the event's subject and key); LookupError if never referred."""
    conn = await asyncpg.connect(db.with_database(settings.database_url, database_of(settings, "referral")))
    try:
        case = await conn.fetchval("SELECT case_number FROM referrals WHERE person_id = $1 "
                                   "ORDER BY received_at DESC LIMIT 1", person_id)
    finally:
        await conn.close()
    if case is None:
        raise LookupError(f"no referral for person {person_id}")
    return case


async def erase(settings: Settings, person_id: str, reason: str | None = None) -> str:
    case = await case_of(settings, person_id)
    event_id = str(uuid.uuid4())
    doc = event_dict(id=event_id, source=SOURCE, type=R.ERASURE_REQUESTED, time=datetime.now(timezone.utc),
                     subject=case, data=R.ErasureRequested(person_id=person_id, reason=reason))
    producer = make_producer(settings, "ptfc-cli")
    await producer.start()
    try:
        await producer.send_and_wait(T.namespaced(settings.topic_namespace, T.PARTNER_REFERRALS),
                                     json.dumps(doc, separators=(",", ":")).encode(), key=case.encode())
    finally:
        await producer.stop()
    return event_id
