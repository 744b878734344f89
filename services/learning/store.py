"""All SQL of the learning service."""
from __future__ import annotations

from datetime import date, datetime

import asyncpg

from contracts.referral import ReferralAccepted
from ptfc.kit import typed
from services.learning.domain.course import Invitation
from services.learning.records import InvitationCheck, Parent, Progress, SatisfactionCounts

PARENT, PROGRESS = typed.columns(Parent), typed.columns(Progress)


async def start(conn: asyncpg.Connection, accepted: list[tuple[ReferralAccepted, datetime]]) -> None:
    """Each accepted referral's parent record (a re-referral replaces the earlier referral's) and
    its progress row, two statements for a whole run. The same parent twice in one run is refused
    by Postgres (a row cannot be upserted twice in one statement); the consumer then replays the
    run one event at a time."""
    if not accepted:
        return
    cols = list(zip(*[(a.person_id, a.referral_id, a.case_number, a.lot, a.programme, a.referred_on, at)
                      for a, at in accepted]))
    await conn.execute(
        "INSERT INTO parents(person_id, referral_id, case_number, lot, programme, referred_on, status, accepted_at) "
        "SELECT p, r, c, l, g, o, 'active', t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
        "$5::text[], $6::date[], $7::timestamptz[]) AS u(p, r, c, l, g, o, t) "
        "ON CONFLICT (person_id) DO UPDATE SET "
        "referral_id = EXCLUDED.referral_id, case_number = EXCLUDED.case_number, lot = EXCLUDED.lot, "
        "programme = EXCLUDED.programme, referred_on = EXCLUDED.referred_on, status = 'active', "
        "accepted_at = EXCLUDED.accepted_at", *cols)
    await conn.execute("INSERT INTO progress(referral_id, person_id) SELECT * FROM unnest($1::text[], $2::text[]) "
                       "ON CONFLICT DO NOTHING", cols[1], cols[0])


async def parent(conn: asyncpg.Connection, person_id: str, lock: bool = False) -> Parent | None:
    sql = f"SELECT {PARENT} FROM parents WHERE person_id = $1" + (" FOR UPDATE" if lock else "")
    return typed.one(Parent, await conn.fetchrow(sql, person_id))


async def withdraw(conn: asyncpg.Connection, person_id: str, referral_id: str, at: datetime) -> None:
    await conn.execute("UPDATE parents SET status = 'withdrawn', withdrawn_at = $3 WHERE person_id = $1 "
                       "AND referral_id = $2", person_id, referral_id, at)


async def add_invitations(conn: asyncpg.Connection, issued: list[tuple[str, Invitation]]) -> None:
    """(person_id, invitation) each, in one statement."""
    if issued:
        await conn.execute(
            "INSERT INTO invitations(token_hash, person_id, sent_at, expires_at) "
            "SELECT * FROM unnest($1::bytea[], $2::text[], $3::timestamptz[], $4::timestamptz[])",
            [i.token_hash for _, i in issued], [p for p, _ in issued], [i.sent_at for _, i in issued],
            [i.expires_at for _, i in issued])


async def activate(conn: asyncpg.Connection, person_id: str, activated_at: datetime, at: datetime) -> None:
    """`activated_at`: what course.first_value_wins decided, written under the row lock the caller
    took reading the parent (load-bearing; `IS DISTINCT FROM` only spares a write). Single use:
    activation at `at` spends every outstanding link of this parent."""
    await conn.execute("UPDATE parents SET activated_at = $2 WHERE person_id = $1 "
                       "AND activated_at IS DISTINCT FROM $2", person_id, activated_at)
    await conn.execute("UPDATE invitations SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL",
                       person_id, at)


async def invitation_by_hash(pool: asyncpg.Pool, token_hash: bytes) -> InvitationCheck | None:
    return typed.one(InvitationCheck, await pool.fetchrow(
        "SELECT i.person_id, i.expires_at, i.used_at, p.status FROM invitations i "
        "JOIN parents p USING (person_id) WHERE i.token_hash = $1", token_hash))


# --- Progress -------------------------------------------------------------------------------------

async def progress(conn: asyncpg.Connection, referral_id: str) -> Progress | None:
    return typed.one(Progress, await conn.fetchrow(f"SELECT {PROGRESS} FROM progress WHERE referral_id = $1",
                                                   referral_id))


async def add_module(conn: asyncpg.Connection, referral_id: str, module: str, at: datetime) -> set[str]:
    """Records a first completion (a repeat changes nothing); returns every module done so far."""
    await conn.execute("INSERT INTO module_completions(referral_id, module, completed_at) VALUES ($1, $2, $3) "
                       "ON CONFLICT DO NOTHING", referral_id, module, at)
    rows = await conn.fetch("SELECT module FROM module_completions WHERE referral_id = $1", referral_id)
    return {r["module"] for r in rows}


async def modules_done(conn: asyncpg.Connection, referral_id: str, by: datetime) -> int:
    """Modules done by `by` (a reminder's due time: one finished later was not done then)."""
    return await conn.fetchval("SELECT count(*) FROM module_completions WHERE referral_id = $1 "
                               "AND completed_at <= $2", referral_id, by)


async def complete_elearning(conn: asyncpg.Connection, referral_id: str, at: datetime) -> bool:
    """True only the first time: the guard that publishes elearning-completed once."""
    return bool(await conn.fetchval(
        "UPDATE progress SET elearning_completed_at = $2 WHERE referral_id = $1 "
        "AND elearning_completed_at IS NULL RETURNING true", referral_id, at))


async def record_attendance(conn: asyncpg.Connection, referral_id: str, attended_on: date,
                            recorded_at: datetime, ended_at: datetime | None) -> bool:
    """The first attendance counts (the certificate's date); True if this was it."""
    return bool(await conn.fetchval(
        "UPDATE progress SET attended_on = $2, attendance_recorded_at = $3, workshop_ended_at = $4 "
        "WHERE referral_id = $1 AND attended_on IS NULL RETURNING true", referral_id, attended_on, recorded_at,
        ended_at))


async def save_survey(conn: asyncpg.Connection, referral_id: str, survey: str, answers: dict,
                      at: datetime) -> None:
    """The latest submission of a survey replaces the earlier one (by the Parent Hub's time)."""
    await conn.execute(
        "INSERT INTO survey_answers(referral_id, survey, answers, submitted_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (referral_id, survey) DO UPDATE SET answers = EXCLUDED.answers, "
        "submitted_at = EXCLUDED.submitted_at WHERE survey_answers.submitted_at <= EXCLUDED.submitted_at",
        referral_id, survey, answers, at)


async def satisfaction_counts(pool: asyncpg.Pool, lot: str | None, high: int) -> SatisfactionCounts:
    """Counted from answers validated at intake, so the casts cannot fail."""
    return typed.one(SatisfactionCounts, await pool.fetchrow(
        "SELECT count(*) AS responses, "
        "count(*) FILTER (WHERE (s.answers->>'clearer_understanding')::boolean) AS clearer, "
        "count(*) FILTER (WHERE (s.answers->>'child_at_centre')::boolean) AS child_at_centre, "
        "count(*) FILTER (WHERE (s.answers->>'satisfaction')::int >= $2) AS high "
        "FROM survey_answers s JOIN progress USING (referral_id) JOIN parents p USING (person_id) "
        "WHERE s.survey = 'workshop-feedback' AND ($1::text IS NULL OR p.lot = $1)", lot, high))
