"""`ptfc erase <person_id>`: an operator asks, as Cafcass would, that a person's data be erased.

It publishes the same `erasure-requested` event Cafcass sends, to the partner topic, rather than
touching any database: one path for both, so every service erases its share the same way and the
request is kept in the referral service's inbox like any other.
"""
from __future__ import annotations

import asyncpg

from contracts import referral as R
from contracts import topics as T
from ptfc.kit import db
from ptfc.kit.operator import publish_as_operator
from ptfc.kit.service import database_of
from ptfc.kit.settings import Settings
from services.referral import store
from services.referral.domain import progress


async def case_of(settings: Settings, person_id: str) -> str:
    """The case the request names (its subject and key), as progress.case_an_erasure_names picks it
    from the person's referrals; LookupError if never referred."""
    conn = await asyncpg.connect(db.with_database(settings.database_url, database_of(settings, "referral")))
    try:
        referrals = await store.referrals_of(conn, person_id)
    finally:
        await conn.close()
    case = progress.case_an_erasure_names(referrals)
    if case is None:
        raise LookupError(f"no referral for person {person_id}")
    return case


async def erase(settings: Settings, person_id: str, reason: str | None = None) -> str:
    case = await case_of(settings, person_id)
    return await publish_as_operator(settings, T.PARTNER_REFERRALS, R.ERASURE_REQUESTED,
                                     R.ErasureRequested(person_id=person_id, reason=reason), case)
