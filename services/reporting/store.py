"""All SQL of the reporting service. Every write is an idempotent upsert: a fact applied twice
(a redelivery the inbox did not catch, a replay) leaves the model as applying it once did."""
from __future__ import annotations

from datetime import date, datetime

import asyncpg

from contracts.referral import ReferralAccepted
from services.reporting.domain import Row, Survey
from services.reporting.report import Filters, Rejection

READ_MODEL = ("referrals", "referral_outcomes", "rejections", "elearning", "certificates", "attendance",
              "follow_ups", "surveys", "plan_activity", "plan_completions")


async def add_referral(conn: asyncpg.Connection, a: ReferralAccepted) -> None:
    await conn.execute(
        "INSERT INTO referrals(referral_id, person_id, case_number, programme, route, lot, cafcass_area, "
        "referred_on, ordered_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (referral_id) DO NOTHING",
        a.referral_id, a.person_id, a.case_number, a.programme, a.route, a.lot, a.cafcass_area,
        a.referred_on, a.ordered_on)


async def add_outcome(conn: asyncpg.Connection, referral_id: str, outcome: str) -> None:
    await conn.execute("INSERT INTO referral_outcomes(referral_id, outcome) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       referral_id, outcome)


async def add_rejection(conn: asyncpg.Connection, referral_id: str, on: date, codes: list[str]) -> None:
    await conn.execute("INSERT INTO rejections(referral_id, rejected_on, codes) VALUES ($1, $2, $3) "
                       "ON CONFLICT (referral_id) DO UPDATE SET rejected_on = $2, codes = $3", referral_id, on, codes)


async def elearning_completed(conn: asyncpg.Connection, person_id: str, at: datetime) -> None:
    await conn.execute("INSERT INTO elearning(person_id, completed_at) VALUES ($1, $2) ON CONFLICT (person_id) "
                       "DO UPDATE SET completed_at = LEAST(elearning.completed_at, $2)", person_id, at)


async def certificate_issued(conn: asyncpg.Connection, person_id: str) -> None:
    await conn.execute("INSERT INTO certificates(person_id) VALUES ($1) ON CONFLICT DO NOTHING", person_id)


async def attended(conn: asyncpg.Connection, person_id: str, on: date) -> None:
    """The first attended session counts (day 35)."""
    await conn.execute("INSERT INTO attendance(person_id, first_attended_on) VALUES ($1, $2) ON CONFLICT (person_id) "
                       "DO UPDATE SET first_attended_on = LEAST(attendance.first_attended_on, $2)", person_id, on)


async def follow_up(conn: asyncpg.Connection, person_id: str, session_id: str, column: str) -> None:
    assert column in ("due", "done", "overdue")  # a column name, never input
    await conn.execute(f"INSERT INTO follow_ups(person_id, session_id, {column}) VALUES ($1, $2, true) "
                       f"ON CONFLICT (person_id, session_id) DO UPDATE SET {column} = true", person_id, session_id)


async def survey(conn: asyncpg.Connection, person_id: str, at: datetime, s: Survey) -> None:
    """The last submission by event time wins, whatever order they arrive in."""
    await conn.execute(
        "INSERT INTO surveys(person_id, submitted_at, clearer_understanding, child_at_centre, high_satisfaction) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id) DO UPDATE SET submitted_at = $2, "
        "clearer_understanding = $3, child_at_centre = $4, high_satisfaction = $5 "
        "WHERE surveys.submitted_at <= $2", person_id, at, s.clearer_understanding, s.child_at_centre,
        s.high_satisfaction)


async def plan_activity(conn: asyncpg.Connection, person_id: str) -> None:
    await conn.execute("INSERT INTO plan_activity(person_id) VALUES ($1) ON CONFLICT DO NOTHING", person_id)


async def plan_completed(conn: asyncpg.Connection, case_number: str) -> None:
    await conn.execute("INSERT INTO plan_completions(case_number) VALUES ($1) ON CONFLICT DO NOTHING", case_number)


# One row per accepted referral with day 0 in the period, every fact about its parent joined in.
ROWS = """
SELECT r.referral_id, r.programme, r.route, r.lot, r.cafcass_area, r.referred_on, r.ordered_on,
       e.completed_at, a.first_attended_on, s.clearer_understanding, s.child_at_centre, s.high_satisfaction,
       pa.person_id IS NOT NULL AS plan_active, pc.case_number IS NOT NULL AS plan_completed,
       'withdrawn' = ANY(o.outcomes) AS withdrawn, 'completed' = ANY(o.outcomes) AS completed,
       'not_completed' = ANY(o.outcomes) AS not_completed, c.person_id IS NOT NULL AS certificate,
       coalesce(f.due, 0) AS due, coalesce(f.done, 0) AS done, coalesce(f.overdue, 0) AS overdue
FROM referrals r
LEFT JOIN elearning e ON e.person_id = r.person_id
LEFT JOIN attendance a ON a.person_id = r.person_id
LEFT JOIN surveys s ON s.person_id = r.person_id
LEFT JOIN plan_activity pa ON pa.person_id = r.person_id
LEFT JOIN plan_completions pc ON pc.case_number = r.case_number
LEFT JOIN certificates c ON c.person_id = r.person_id
LEFT JOIN (SELECT referral_id, array_agg(outcome) AS outcomes FROM referral_outcomes GROUP BY referral_id) o
       ON o.referral_id = r.referral_id
LEFT JOIN (SELECT person_id, count(*) FILTER (WHERE due) AS due, count(*) FILTER (WHERE done) AS done,
                  count(*) FILTER (WHERE overdue AND NOT done) AS overdue
           FROM follow_ups GROUP BY person_id) f ON f.person_id = r.person_id
WHERE r.referred_on BETWEEN $1 AND $2 AND r.programme = $3
  AND ($4::text IS NULL OR r.lot = $4) AND ($5::text IS NULL OR r.cafcass_area = $5)
"""


async def rows(conn: asyncpg.Connection | asyncpg.Pool, f: Filters) -> list[Row]:
    out = []
    for r in await conn.fetch(ROWS, f.start, f.end, f.programme, f.lot, f.cafcass_area):
        answered = r["clearer_understanding"] is not None
        out.append(Row(
            referral_id=r["referral_id"], programme=r["programme"], route=r["route"], lot=r["lot"],
            cafcass_area=r["cafcass_area"], referred_on=r["referred_on"], ordered_on=r["ordered_on"],
            elearning_completed_at=r["completed_at"], first_attended_on=r["first_attended_on"],
            survey=Survey(r["clearer_understanding"], r["child_at_centre"], r["high_satisfaction"]) if answered else None,
            plan_viewed_or_started=r["plan_active"], plan_completed=r["plan_completed"],
            withdrawn=bool(r["withdrawn"]), certificate_issued=r["certificate"],
            completion_reported=bool(r["completed"]), non_completion_reported=bool(r["not_completed"]),
            follow_ups_due=r["due"], follow_ups_done=r["done"], follow_ups_overdue=r["overdue"]))
    return out


async def rejections(conn: asyncpg.Connection | asyncpg.Pool, f: Filters) -> list[Rejection]:
    got = await conn.fetch("SELECT referral_id, rejected_on, codes FROM rejections "
                           "WHERE rejected_on BETWEEN $1 AND $2", f.start, f.end)
    return [Rejection(r["referral_id"], r["rejected_on"], tuple(r["codes"])) for r in got]


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
