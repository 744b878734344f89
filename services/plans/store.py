"""All SQL of the plans service."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from contracts.referral import ReferralAccepted
from ptfc.kit import db, typed
from services.plans import records
from services.plans.domain.agreement import Area, Parent, Step

PARENT, PLAN = typed.columns(records.Parent), typed.columns(records.Plan)


async def upsert_parent(conn: asyncpg.Connection, a: ReferralAccepted, at: datetime) -> None:
    """The newest accepted referral decides the parent's case and suitability (re-referrals)."""
    await conn.execute(
        "INSERT INTO parents(person_id, case_number, referral_id, plan_suitable, active, accepted_at, programme, "
        "route) VALUES ($1, $2, $3, $4, true, $5, $6, $7) ON CONFLICT (person_id) DO UPDATE SET "
        "case_number = $2, referral_id = $3, plan_suitable = $4, active = true, accepted_at = $5, "
        "programme = $6, route = $7",
        a.person_id, a.case_number, a.referral_id, a.plan_suitable, at, a.programme, a.route)


async def withdraw(conn: asyncpg.Connection, person_id: str, referral_id: str) -> None:
    await conn.execute("UPDATE parents SET active = false WHERE person_id = $1 AND referral_id = $2",
                       person_id, referral_id)


async def parent(conn: asyncpg.Connection, person_id: str) -> records.Parent | None:
    return typed.one(records.Parent, await conn.fetchrow(f"SELECT {PARENT} FROM parents WHERE person_id = $1",
                                                         person_id))


async def case_parents(conn: asyncpg.Connection, case_number: str) -> list[Parent]:
    rows = await conn.fetch("SELECT person_id, plan_suitable, active FROM parents WHERE case_number = $1 "
                            "ORDER BY person_id", case_number)
    return [Parent(r["person_id"], r["plan_suitable"], r["active"]) for r in rows]


async def add_view(conn: asyncpg.Connection, person_id: str, at: datetime) -> bool:
    """True the first time this parent viewed the plan tool."""
    return await conn.fetchval("INSERT INTO plan_views(person_id, first_viewed_at) VALUES ($1, $2) "
                               "ON CONFLICT DO NOTHING RETURNING true", person_id, at) is not None


async def add_concern(conn: asyncpg.Connection, person_id: str, at: datetime) -> None:
    await conn.execute("INSERT INTO concerns(person_id, raised_at) VALUES ($1, $2)", person_id, at)


async def concerns_for_case(conn: asyncpg.Connection, case_number: str) -> list[tuple[datetime, datetime]]:
    """(raised_at, the parent's accepted_at) of every concern about a parent of this case."""
    rows = await conn.fetch("SELECT c.raised_at, p.accepted_at FROM concerns c JOIN parents p USING (person_id) "
                            "WHERE p.case_number = $1", case_number)
    return [(r["raised_at"], r["accepted_at"]) for r in rows]


async def lock_case(conn: asyncpg.Connection, case_number: str) -> None:
    """Serialise everything about one case (two parents' events may be handled concurrently)."""
    await db.xact_lock(conn, f"plan:{case_number}")


async def plan(conn: asyncpg.Connection, case_number: str) -> records.Plan | None:
    return typed.one(records.Plan, await conn.fetchrow(f"SELECT {PLAN} FROM plans WHERE case_number = $1",
                                                       case_number))


async def open_plan(conn: asyncpg.Connection, case_number: str, by: str, at: datetime) -> None:
    await conn.execute("INSERT INTO plans(case_number, status, opened_by, opened_at) VALUES ($1, 'open', $2, $3)",
                       case_number, by, at)


async def set_status(conn: asyncpg.Connection, case_number: str, status: str, at: datetime,
                     by: str | None = None) -> None:
    column = {"completed": "completed_at", "closed": "closed_at", "finished": "finished_at"}[status]
    await conn.execute(f"UPDATE plans SET status = $2, {column} = $3, "
                       "finished_by = CASE WHEN $2 = 'finished' THEN $4 ELSE finished_by END WHERE case_number = $1",
                       case_number, status, at, by)


async def areas(conn: asyncpg.Connection, case_number: str) -> dict[str, Area]:
    rows = await conn.fetch("SELECT area, state, by_person FROM plan_areas WHERE case_number = $1", case_number)
    return {r["area"]: Area(r["state"], r["by_person"]) for r in rows}


async def save_steps(conn: asyncpg.Connection, case_number: str, person_id: str, new: dict[str, Area],
                     steps: list[Step], source: str, event_id: str, at: datetime) -> None:
    """Current state per touched area, and one history row per step (in submission order)."""
    touched = list(dict.fromkeys(s.area for s in steps))
    await conn.executemany(
        "INSERT INTO plan_areas(case_number, area, state, by_person, updated_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (case_number, area) DO UPDATE SET state = $3, by_person = $4, updated_at = $5",
        [(case_number, a, new[a].state, new[a].by, at) for a in touched])
    await conn.executemany(
        "INSERT INTO plan_history(case_number, area, person_id, action, state, terms, event_source, "
        "event_id, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [(case_number, s.area, person_id, s.action, s.state, s.terms, source, event_id, at) for s in steps])


async def add_share(conn: asyncpg.Connection, case_number: str, person_id: str, with_: str, emailed: bool,
                    event_id: str, at: datetime) -> None:
    await conn.execute("INSERT INTO plan_shares(case_number, person_id, shared_with, emailed, event_id, shared_at) "
                       "VALUES ($1, $2, $3, $4, $5, $6)", case_number, person_id, with_, emailed, event_id, at)


async def erase_terms(conn: asyncpg.Connection, person_id: str) -> None:
    """The terms this parent wrote go from the plan's history; who did what, when, stays. The
    history is append-only (migration 003): this is the one change its trigger lets through, and
    only in a transaction that declares itself an erasure."""
    await conn.execute("SELECT set_config('ptfc.erasing', 'on', true)")  # true: this transaction only
    await conn.execute("UPDATE plan_history SET terms = NULL WHERE person_id = $1 AND terms IS NOT NULL",
                       person_id)
    await conn.execute("SELECT set_config('ptfc.erasing', 'off', true)")
