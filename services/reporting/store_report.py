"""The SQL of the KPI report itself: one query for the cohort's rows, one for the rejections.

Kept apart from the writes (store.py) because every reader of the figures (the HTTP route, the
console, `ptfc report`, the benchmark) goes through `kpi` here: one way to make the report.
"""
from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.domain import report
from services.reporting.domain.measures import Row, Survey
from services.reporting.domain.report import Filters, Rejection


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
    """Positional on purpose (10,000 rows built by keyword cost about twice as much): the indexes
    are ROWS's columns, in its order, so the two change together."""
    out = []
    for r in await conn.fetch(ROWS, f.start, f.end, f.programme, f.lot, f.cafcass_area):
        survey = Survey(r[9], r[10], r[11]) if r[9] is not None else None
        out.append(Row(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], survey, r[12], r[13], bool(r[14]),
                       r[17], bool(r[15]), bool(r[16]), r[18], r[19], r[20]))
    return out


async def rejections(conn: asyncpg.Connection | asyncpg.Pool, f: Filters) -> list[Rejection]:
    got = await conn.fetch("SELECT referral_id, rejected_on, codes FROM rejections "
                           "WHERE rejected_on BETWEEN $1 AND $2", f.start, f.end)
    return [Rejection(r["referral_id"], r["rejected_on"], tuple(r["codes"])) for r in got]


