"""All SQL of the workshops service (one lot per database)."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from ptfc.kit import db, typed
from contracts.referral import ReferralAccepted
from contracts.workshop import SessionScheduled
from services.workshops.domain import allocation
from services.workshops.domain.invites import SessionDetails
from services.workshops.records import Booking, Parent, Session

PARENT, SESSION = typed.columns(Parent), typed.columns(Session)


async def lock_lot(conn: asyncpg.Connection) -> None:
    """Load-bearing for capacity and co-parents: replicas of a lot decide bookings one at a time.

    Held to the end of the transaction. Taken before any row lock, so it cannot deadlock with
    another booking decision."""
    await db.xact_lock(conn, "workshops:lot")


# --- parents ---------------------------------------------------------------------------------

async def upsert_parent(conn: asyncpg.Connection, a: ReferralAccepted, at: datetime) -> None:
    """A re-referral replaces the parent's case details and makes them active again."""
    await conn.execute(
        "INSERT INTO parents(person_id, referral_id, case_number, co_parent_person_ids, in_person, status, "
        "accepted_at) VALUES ($1, $2, $3, $4, $5, 'active', $6) ON CONFLICT (person_id) DO UPDATE SET "
        "referral_id = $2, case_number = $3, co_parent_person_ids = $4, in_person = $5, status = 'active', "
        "accepted_at = $6", a.person_id, a.referral_id, a.case_number, a.co_parent_person_ids,
        a.in_person, at)


async def withdraw_parent(conn: asyncpg.Connection, person_id: str, referral_id: str) -> bool:
    """Only the referral named: a late withdrawal of an earlier referral leaves a re-referral be."""
    return bool(await conn.fetchval(
        "UPDATE parents SET status = 'withdrawn' WHERE person_id = $1 AND referral_id = $2 "
        "AND status = 'active' RETURNING true", person_id, referral_id))


async def parent(conn: asyncpg.Connection, person_id: str) -> Parent | None:
    return typed.one(Parent, await conn.fetchrow(f"SELECT {PARENT} FROM parents WHERE person_id = $1", person_id))


def as_allocation_parent(row: Parent) -> allocation.Parent:
    return allocation.Parent(row.person_id, row.case_number, row.in_person, frozenset(row.co_parent_person_ids))


async def record_elearning(conn: asyncpg.Connection, person_id: str, completed_at: datetime) -> None:
    """Writes what repeats.earliest decided. `LEAST` is the same rule in SQL, and load-bearing: the
    first completion has no row to lock, so two read at once (a re-referral's, on another
    partition) could both insert; the upsert keeps the earliest whichever commits last."""
    await conn.execute(
        "INSERT INTO elearning_completions(person_id, completed_at) VALUES ($1, $2) ON CONFLICT (person_id) "
        "DO UPDATE SET completed_at = LEAST(elearning_completions.completed_at, $2)", person_id, completed_at)


async def elearning_completed_at(conn: asyncpg.Connection, person_id: str) -> datetime | None:
    return await conn.fetchval("SELECT completed_at FROM elearning_completions WHERE person_id = $1", person_id)


async def add_concern(conn: asyncpg.Connection, person_id: str, trainer_id: str, session_id: str | None,
                      at: datetime) -> None:
    await conn.execute("INSERT INTO safeguarding_concerns(person_id, trainer_id, session_id, raised_at) "
                       "VALUES ($1, $2, $3, $4)", person_id, trainer_id, session_id, at)


# --- sessions --------------------------------------------------------------------------------

async def add_session(conn: asyncpg.Connection, s: SessionScheduled, fingerprint: str, starts_at: datetime,
                      ends_at: datetime, at: datetime) -> None:
    parts = [{"starts_at": p.starts_at.isoformat(), "minutes": p.minutes}
             for p in sorted(s.parts, key=lambda p: p.starts_at)]
    await conn.execute(
        "INSERT INTO sessions(session_id, mode, parts, starts_at, ends_at, capacity, join_url, venue, "
        "trainer_id, fingerprint, status, scheduled_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'scheduled', $11)",
        s.session_id, s.mode, parts, starts_at, ends_at, s.capacity, s.join_url, s.venue,
        s.trainer.trainer_id, fingerprint, at)


async def session(conn: asyncpg.Connection, session_id: str) -> Session | None:
    return typed.one(Session, await conn.fetchrow(f"SELECT {SESSION} FROM sessions WHERE session_id = $1",
                                                  session_id))


async def cancel_session(conn: asyncpg.Connection, session_id: str) -> None:
    await conn.execute("UPDATE sessions SET status = 'cancelled' WHERE session_id = $1", session_id)


async def set_attendance_recorded(conn: asyncpg.Connection, session_id: str, at: datetime) -> None:
    """Writes what repeats.first_value_wins decided, under the lot lock the caller holds (load-
    bearing: attendance and cancellation of a session are decided one at a time)."""
    await conn.execute("UPDATE sessions SET attendance_recorded_at = $2 WHERE session_id = $1", session_id, at)


def details(row: Session | Booking) -> SessionDetails:
    parts = tuple((datetime.fromisoformat(p["starts_at"]), p["minutes"]) for p in row.parts)
    return SessionDetails(row.session_id, row.mode, parts, row.join_url, row.venue)


async def open_sessions(conn: asyncpg.Connection, at: datetime, named: str | None = None) -> list[allocation.Session]:
    """Sessions not started at `at` (plus the one named), each with the parents booked in it."""
    rows = await conn.fetch(
        "SELECT s.session_id, s.starts_at, s.mode, s.capacity, s.status, COALESCE(json_agg(json_build_object("
        "'person_id', b.person_id, 'case_number', b.case_number, 'in_person', p.in_person, "
        "'co', p.co_parent_person_ids)) FILTER (WHERE b.booking_id IS NOT NULL), '[]') AS booked "
        "FROM sessions s LEFT JOIN bookings b ON b.session_id = s.session_id AND b.status = 'booked' "
        "LEFT JOIN parents p ON p.person_id = b.person_id "
        "WHERE (s.status = 'scheduled' AND s.starts_at > $1) OR s.session_id = $2 GROUP BY s.session_id",
        at, named)
    return [allocation.Session(
        r["session_id"], r["starts_at"], r["mode"], r["capacity"], r["status"] == "cancelled",
        tuple(allocation.Parent(b["person_id"], b["case_number"], b["in_person"], frozenset(b["co"] or ()))
              for b in r["booked"])) for r in rows]


# --- bookings --------------------------------------------------------------------------------

async def add_booking(conn: asyncpg.Connection, session_id: str, parent: Parent, at: datetime) -> int:
    return await conn.fetchval(
        "INSERT INTO bookings(session_id, person_id, referral_id, case_number, status, booked_at) "
        "VALUES ($1, $2, $3, $4, 'booked', $5) RETURNING booking_id", session_id, parent.person_id,
        parent.referral_id, parent.case_number, at)


async def bookings(conn: asyncpg.Connection, *, booking_id: int | None = None, person_id: str | None = None,
                   session_id: str | None = None, live: bool = True) -> list[Booking]:
    """Bookings by id, parent and/or session, with their session's row and the e-learning state."""
    return typed.many(Booking, await conn.fetch(
        "SELECT b.booking_id, b.session_id, b.person_id, b.referral_id, b.case_number, b.status, "
        "b.release_reason, b.closed_at, s.starts_at, s.mode, s.parts, s.join_url, s.venue, "
        "e.completed_at AS elearning_completed_at "
        "FROM bookings b JOIN sessions s USING (session_id) "
        "LEFT JOIN elearning_completions e ON e.person_id = b.person_id "
        "WHERE ($1::bigint IS NULL OR b.booking_id = $1) AND ($2::text IS NULL OR b.person_id = $2) "
        "AND ($3::text IS NULL OR b.session_id = $3) AND (NOT $4 OR b.status = 'booked') "
        "ORDER BY b.booking_id", booking_id, person_id, session_id, live))


async def has_attended(conn: asyncpg.Connection, parent: Parent) -> bool:
    """Attended a workshop under the parent's current referral."""
    return bool(await conn.fetchval(
        "SELECT true FROM bookings WHERE person_id = $1 AND referral_id = $2 AND status = 'attended' LIMIT 1",
        parent.person_id, parent.referral_id))


async def close_booking(conn: asyncpg.Connection, booking_id: int, status: str, reason: str | None,
                        at: datetime) -> None:
    await conn.execute("UPDATE bookings SET status = $2, release_reason = $3, closed_at = $4 "
                       "WHERE booking_id = $1", booking_id, status, reason, at)
