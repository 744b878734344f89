"""All SQL of the learning service."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from contracts.referral import ReferralAccepted
from services.learning.domain import Invitation


async def upsert_parent(conn: asyncpg.Connection, a: ReferralAccepted, at: datetime) -> None:
    """A re-referral replaces the earlier referral's record for the same parent."""
    await conn.execute(
        "INSERT INTO parents(person_id, referral_id, case_number, lot, programme, ordered_on, status, accepted_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, 'active', $7) ON CONFLICT (person_id) DO UPDATE SET "
        "referral_id = EXCLUDED.referral_id, case_number = EXCLUDED.case_number, lot = EXCLUDED.lot, "
        "programme = EXCLUDED.programme, ordered_on = EXCLUDED.ordered_on, status = 'active', "
        "accepted_at = EXCLUDED.accepted_at",
        a.person_id, a.referral_id, a.case_number, a.lot, a.programme, a.ordered_on, at)


async def parent(conn: asyncpg.Connection, person_id: str, lock: bool = False) -> asyncpg.Record | None:
    sql = "SELECT * FROM parents WHERE person_id = $1" + (" FOR UPDATE" if lock else "")
    return await conn.fetchrow(sql, person_id)


async def withdraw(conn: asyncpg.Connection, person_id: str, referral_id: str) -> None:
    await conn.execute("UPDATE parents SET status = 'withdrawn' WHERE person_id = $1 AND referral_id = $2",
                       person_id, referral_id)


async def add_invitation(conn: asyncpg.Connection, person_id: str, inv: Invitation) -> None:
    await conn.execute("INSERT INTO invitations(token_hash, person_id, sent_at, expires_at) VALUES ($1, $2, $3, $4)",
                       inv.token_hash, person_id, inv.sent_at, inv.expires_at)


async def activate(conn: asyncpg.Connection, person_id: str, at: datetime) -> None:
    """Single use: activation spends every outstanding link of this parent."""
    await conn.execute("UPDATE parents SET activated_at = coalesce(activated_at, $2) WHERE person_id = $1",
                       person_id, at)
    await conn.execute("UPDATE invitations SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL",
                       person_id, at)


async def invitation_by_hash(pool: asyncpg.Pool, token_hash: bytes) -> asyncpg.Record | None:
    return await pool.fetchrow(
        "SELECT i.person_id, i.expires_at, i.used_at, p.status FROM invitations i "
        "JOIN parents p USING (person_id) WHERE i.token_hash = $1", token_hash)
