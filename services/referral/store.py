"""All SQL of the referral service."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from contracts.referral import ReferralAccepted, ReferralRequested
from services.referral.domain import History


async def exists(conn: asyncpg.Connection, referral_id: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM referrals WHERE referral_id = $1", referral_id))


async def history(conn: asyncpg.Connection, person_id: str, programme: str) -> History:
    rows = await conn.fetch("SELECT status FROM referrals WHERE person_id = $1 AND programme = $2",
                            person_id, programme)
    statuses = {r["status"] for r in rows}
    return History(active="active" in statuses,
                   earlier=bool(statuses & {"withdrawn", "completed", "not_completed"}))


async def add_accepted(conn: asyncpg.Connection, a: ReferralAccepted, at: datetime, has_court_email: bool) -> None:
    await conn.execute(
        "INSERT INTO referrals(referral_id, case_number, person_id, programme, lot, ordered_on, status, "
        "re_referral, received_at, has_court_email) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9)",
        a.referral_id, a.case_number, a.person_id, a.programme, a.lot, a.ordered_on, a.re_referral, at,
        has_court_email)


async def add_rejected(conn: asyncpg.Connection, req: ReferralRequested, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO referrals(referral_id, case_number, person_id, programme, ordered_on, status, "
        "received_at) VALUES ($1, $2, $3, $4, $5, 'rejected', $6)",
        req.referral_id, req.case_number, req.parent.person_id, req.programme, req.ordered_on, at)


async def get(conn: asyncpg.Connection, referral_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM referrals WHERE referral_id = $1 FOR UPDATE", referral_id)


async def close(conn: asyncpg.Connection, referral_id: str, status: str, at: datetime) -> None:
    await conn.execute("UPDATE referrals SET status = $2, closed_at = $3 WHERE referral_id = $1",
                       referral_id, status, at)


async def active_for(conn: asyncpg.Connection, person_id: str) -> asyncpg.Record | None:
    """The parent's active referral (at most one per programme; the newest if several)."""
    return await conn.fetchrow("SELECT * FROM referrals WHERE person_id = $1 AND status = 'active' "
                               "ORDER BY received_at DESC LIMIT 1 FOR UPDATE", person_id)


async def set_stage(conn: asyncpg.Connection, referral_id: str, column: str, value) -> None:
    assert column in {"elearning_completed_on", "workshop_attended_on", "concern_raised_at"}
    await conn.execute(f"UPDATE referrals SET {column} = coalesce({column}, $2) WHERE referral_id = $1",
                       referral_id, value)


async def complete(conn: asyncpg.Connection, referral_id: str, certificate_number: str,
                   elearning_on, workshop_on, at: datetime) -> None:
    await conn.execute(
        "UPDATE referrals SET status = 'completed', closed_at = $2, certificate_number = $3, "
        "elearning_completed_on = $4, workshop_attended_on = $5 WHERE referral_id = $1",
        referral_id, at, certificate_number, elearning_on, workshop_on)
