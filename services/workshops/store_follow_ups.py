"""SQL for follow-up calls (the rest of the service's SQL is in store.py)."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from ptfc.kit import typed
from services.workshops.records import FollowUp

FOLLOW_UP = typed.columns(FollowUp)


async def add(conn: asyncpg.Connection, person_id: str, session_id: str, case_number: str,
              trainer_id: str, due_at: datetime) -> bool:
    """False when this parent's call for this session was already set up (a repeated record)."""
    return bool(await conn.fetchval(
        "INSERT INTO follow_ups(person_id, session_id, case_number, trainer_id, due_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true",
        person_id, session_id, case_number, trainer_id, due_at))


async def get(conn: asyncpg.Connection, person_id: str, session_id: str) -> FollowUp | None:
    return typed.one(FollowUp, await conn.fetchrow(
        f"SELECT {FOLLOW_UP} FROM follow_ups WHERE person_id = $1 AND session_id = $2 FOR UPDATE",
        person_id, session_id))


async def open_for(conn: asyncpg.Connection, person_id: str) -> FollowUp | None:
    """The parent's earliest call still without an outcome."""
    return typed.one(FollowUp, await conn.fetchrow(
        f"SELECT {FOLLOW_UP} FROM follow_ups WHERE person_id = $1 AND outcome IS NULL "
        "ORDER BY due_at LIMIT 1 FOR UPDATE", person_id))


async def record_outcome(conn: asyncpg.Connection, person_id: str, session_id: str, outcome: str,
                         at: datetime) -> None:
    await conn.execute("UPDATE follow_ups SET outcome = $3, recorded_at = $4 WHERE person_id = $1 "
                       "AND session_id = $2", person_id, session_id, outcome, at)


async def mark_overdue(conn: asyncpg.Connection, person_id: str, session_id: str, at: datetime) -> None:
    await conn.execute("UPDATE follow_ups SET overdue_at = $3 WHERE person_id = $1 AND session_id = $2",
                       person_id, session_id, at)
