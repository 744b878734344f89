"""The SQL of the KPI report itself: one query for the cohort's rows, one for the rejections.

Kept apart from the writes (store.py) because every reader of the figures (the HTTP route, the
console, `ptfc report`, the benchmark) goes through `kpi` here: one way to make the report.
"""
from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting import report
from services.reporting.domain import Row, Survey
from services.reporting.report import Filters, Rejection


async def read(conn: asyncpg.Connection, f: Filters) -> tuple[list[Row], list[Rejection]]:
    """The cohort's rows and the period's rejections, in one snapshot so the two agree."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        return await rows(conn, f), await rejections(conn, f)


async def kpi(conn: asyncpg.Connection, f: Filters) -> dict[str, Any]:
    return report.kpi(f, *await read(conn, f))


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


