"""All SQL of the reporting service. Every write is an idempotent upsert: a fact applied twice
(a redelivery the inbox did not catch, a replay) leaves the model as applying it once did."""
from __future__ import annotations

from datetime import date, datetime

import asyncpg

from contracts.referral import ReferralAccepted
from services.reporting.domain import measures
from services.reporting.domain.measures import Survey

READ_MODEL = ("referrals", "referral_outcomes", "rejections", "elearning", "certificates", "attendance",
              "follow_ups", "surveys", "plan_activity", "plan_completions")


# The writes a rebuild makes by the ten thousand take a run of facts at once (one statement per
# run): a fact's key may repeat within a run, so each run is first folded per key by the named rule
# (measures.earliest, measures.latest_submission), and the upsert then applies that same rule in SQL
# against what earlier runs kept: set-based, never row by row.


async def add_referrals(conn: asyncpg.Connection, accepted: list[ReferralAccepted]) -> None:
    if accepted:
        await conn.execute(
            "INSERT INTO referrals(referral_id, person_id, case_number, programme, route, lot, cafcass_area, "
            "referred_on, ordered_on) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
            "$5::text[], $6::text[], $7::text[], $8::date[], $9::date[]) ON CONFLICT (referral_id) DO NOTHING",
            *zip(*[(a.referral_id, a.person_id, a.case_number, a.programme, a.route, a.lot, a.cafcass_area,
                    a.referred_on, a.ordered_on) for a in accepted]))


async def add_outcome(conn: asyncpg.Connection, referral_id: str, outcome: str) -> None:
    await conn.execute("INSERT INTO referral_outcomes(referral_id, outcome) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       referral_id, outcome)


async def add_rejection(conn: asyncpg.Connection, referral_id: str, on: date, codes: list[str]) -> None:
    await conn.execute("INSERT INTO rejections(referral_id, rejected_on, codes) VALUES ($1, $2, $3) "
                       "ON CONFLICT (referral_id) DO UPDATE SET rejected_on = $2, codes = $3", referral_id, on, codes)


def _fold(pairs: list[tuple[str, object]], keep) -> list[tuple[str, object]]:
    out: dict[str, object] = {}
    for key, value in pairs:
        out[key] = value if key not in out else keep(out[key], value)
    return list(out.items())


async def elearning_completed(conn: asyncpg.Connection, done: list[tuple[str, datetime]]) -> None:
    """(person_id, completed_at) each; the first completion counts (measures.earliest; LEAST in SQL)."""
    if done:
        await conn.execute("INSERT INTO elearning(person_id, completed_at) SELECT * FROM unnest($1::text[], "
                           "$2::timestamptz[]) ON CONFLICT (person_id) DO UPDATE SET completed_at = "
                           "LEAST(elearning.completed_at, EXCLUDED.completed_at)", *zip(*_fold(done, measures.earliest)))


async def certificate_issued(conn: asyncpg.Connection, person_id: str) -> None:
    await conn.execute("INSERT INTO certificates(person_id) VALUES ($1) ON CONFLICT DO NOTHING", person_id)


async def attended(conn: asyncpg.Connection, sessions: list[tuple[str, date]]) -> None:
    """(person_id, attended_on) each; the first attended session counts (day 35: measures.earliest)."""
    if sessions:
        await conn.execute("INSERT INTO attendance(person_id, first_attended_on) SELECT * FROM unnest($1::text[], "
                           "$2::date[]) ON CONFLICT (person_id) DO UPDATE SET first_attended_on = "
                           "LEAST(attendance.first_attended_on, EXCLUDED.first_attended_on)",
                           *zip(*_fold(sessions, measures.earliest)))


async def follow_up(conn: asyncpg.Connection, person_id: str, session_id: str, column: str) -> None:
    assert column in ("due", "done", "overdue")  # a column name, never input
    await conn.execute(f"INSERT INTO follow_ups(person_id, session_id, {column}) VALUES ($1, $2, true) "
                       f"ON CONFLICT (person_id, session_id) DO UPDATE SET {column} = true", person_id, session_id)


async def surveys(conn: asyncpg.Connection, answers: list[tuple[str, datetime, Survey]]) -> None:
    """(person_id, submitted_at, Survey) each; the last submission by event time wins, whatever
    order they arrive in (measures.latest_submission; `<=` on the time in SQL)."""
    if not answers:
        return
    last = _fold([(p, (at, s)) for p, at, s in answers], measures.latest_submission)
    await conn.execute(
        "INSERT INTO surveys(person_id, submitted_at, clearer_understanding, child_at_centre, high_satisfaction) "
        "SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::boolean[], $4::boolean[], $5::boolean[]) AS u "
        "ON CONFLICT (person_id) DO UPDATE SET submitted_at = EXCLUDED.submitted_at, "
        "clearer_understanding = EXCLUDED.clearer_understanding, child_at_centre = EXCLUDED.child_at_centre, "
        "high_satisfaction = EXCLUDED.high_satisfaction WHERE surveys.submitted_at <= EXCLUDED.submitted_at",
        [p for p, _ in last], [at for _, (at, _s) in last], [s.clearer_understanding for _, (_a, s) in last],
        [s.child_at_centre for _, (_a, s) in last], [s.high_satisfaction for _, (_a, s) in last])


async def plan_activity(conn: asyncpg.Connection, person_ids: list[str]) -> None:
    if person_ids:
        await conn.execute("INSERT INTO plan_activity(person_id) SELECT DISTINCT p FROM unnest($1::text[]) AS p "
                           "ON CONFLICT DO NOTHING", person_ids)


async def plan_completed(conn: asyncpg.Connection, case_number: str) -> None:
    await conn.execute("INSERT INTO plan_completions(case_number) VALUES ($1) ON CONFLICT DO NOTHING", case_number)


async def generation(conn: asyncpg.Connection | asyncpg.Pool) -> int:
    return await conn.fetchval("SELECT number FROM generation")


async def rebuild(conn: asyncpg.Connection) -> int:
    """Empty the read model and the inbox (so replayed events are applied, not dropped as repeats)
    in one transaction, and start a new generation; returns its number."""
    async with conn.transaction():
        await conn.execute(f"TRUNCATE {', '.join(READ_MODEL)}, inbox, parked")
        return await conn.fetchval("UPDATE generation SET number = number + 1, rebuilt_at = now() RETURNING number")


async def add_dead_letters(conn: asyncpg.Connection | asyncpg.Pool, seen: list[tuple]) -> None:
    """(partition, offset, at, reason, origin, service) per dead letter; a repeat changes nothing."""
    await conn.executemany('INSERT INTO dead_letters_seen(partition, "offset", at, reason, origin, service) '
                           "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", seen)


async def dead_letter_summary(conn: asyncpg.Connection | asyncpg.Pool) -> list[dict]:
    """Dead letters by service, origin topic and reason: how many, and the last one's time."""
    got = await conn.fetch("SELECT service, origin, reason, count(*) AS count, max(at) AS last_at "
                           "FROM dead_letters_seen GROUP BY service, origin, reason ORDER BY count(*) DESC, "
                           "service, origin, reason LIMIT 200")
    return [dict(r) for r in got]
