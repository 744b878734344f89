"""`ptfc learning reissue <person_id>`: an operator asks for a new invitation link for a parent.

The command publishes the same `invitation-reissue-requested` event the Parent Hub would, to the
partner topic, rather than writing to the database: one path for both, so the request is
deduplicated, checked (withdrawn, already activated) and dead-lettered with a reason the same way.
"""
from __future__ import annotations

import asyncpg

from contracts import learning as L
from contracts import topics as T
from ptfc.kit.service import database_of
from ptfc.kit import db
from ptfc.kit.operator import publish_as_operator
from ptfc.kit.settings import Settings
from services.learning import store


async def case_of(settings: Settings, person_id: str) -> str:
    """The parent's case number (the event's subject and Kafka key); LookupError if none is active."""
    dsn = db.with_database(settings.database_url, database_of(settings, "learning"))
    conn = await asyncpg.connect(dsn)
    try:
        row = await store.parent(conn, person_id)
    finally:
        await conn.close()
    if row is None:
        raise LookupError(f"no accepted referral for person {person_id}")
    if row.status != "active":
        raise LookupError(f"the referral for person {person_id} was withdrawn")
    if row.activated_at is not None:
        raise LookupError(f"person {person_id} has already activated their account")
    return row.case_number


async def reissue(settings: Settings, person_id: str) -> str:
    """Publish the reissue request; returns its event id. The email follows through the service."""
    case = await case_of(settings, person_id)
    return await publish_as_operator(settings, T.PARTNER_LEARNING, L.INVITATION_REISSUE_REQUESTED,
                                     L.InvitationReissueRequested(person_id=person_id), case)
