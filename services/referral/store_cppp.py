"""SQL of the referral service's CPPP track: who is in a case's programme, and its sessions."""
from __future__ import annotations

from datetime import date, datetime

import asyncpg

from contracts.cppp import CpppSessionRecorded
from ptfc.kit import typed
from services.referral.domain.cppp import Session
from services.referral.records import Referral
from services.referral.store import REFERRAL


async def active_by_case(conn: asyncpg.Connection, case_numbers: list[str]) -> list[Referral]:
    """Every active CPPP referral of these cases (one statement for a run of acceptances)."""
    return typed.many(Referral, await conn.fetch(
        f"SELECT {REFERRAL} FROM referrals WHERE case_number = ANY($1::text[]) AND programme = 'cppp' "
        "AND status = 'active'", case_numbers))


async def mark_started(conn: asyncpg.Connection, started: dict[str, date]) -> None:
    """referral_id -> the UK day the case's programme started (the first day stands)."""
    if started:
        await conn.execute(
            "UPDATE referrals r SET cppp_started_on = u.d FROM unnest($1::text[], $2::date[]) AS u(id, d) "
            "WHERE r.referral_id = u.id AND r.cppp_started_on IS NULL", list(started), list(started.values()))


async def case_parents(conn: asyncpg.Connection, case_number: str) -> dict[str, Referral]:
    """Each person's latest accepted CPPP referral in the case, locked: a session may complete
    one while the lapse timer looks at it."""
    rows = typed.many(Referral, await conn.fetch(
        f"SELECT {REFERRAL} FROM referrals WHERE case_number = $1 AND programme = 'cppp' "
        "AND status <> 'rejected' ORDER BY received_at, referral_id FOR UPDATE", case_number))
    return {r.person_id: r for r in rows}  # later rows replace earlier ones: the latest stands


async def add_session(conn: asyncpg.Connection, s: CpppSessionRecorded, at: datetime) -> None:
    """One row per attending parent; a session recorded again changes nothing."""
    await conn.execute(
        "INSERT INTO cppp_sessions(case_number, session_id, person_id, held_on, joint, recorded_at) "
        "SELECT $1, $2, p, $3, $4, $5 FROM unnest($6::text[]) AS p ON CONFLICT DO NOTHING",
        s.case_number, s.session_id, s.held_on, s.joint, at, list(dict.fromkeys(s.attended_person_ids)))


async def sessions(conn: asyncpg.Connection, case_number: str, person_id: str,
                   recorded_by: datetime | None = None) -> list[Session]:
    """The parent's sessions in the case; `recorded_by`: only those whose record's own time is at or
    before it (a timer judges as of its due time, whatever was read since)."""
    rows = await conn.fetch("SELECT session_id, held_on, joint FROM cppp_sessions WHERE case_number = $1 "
                            "AND person_id = $2 AND ($3::timestamptz IS NULL OR recorded_at <= $3)",
                            case_number, person_id, recorded_by)
    return [Session(r["session_id"], r["held_on"], r["joint"]) for r in rows]
