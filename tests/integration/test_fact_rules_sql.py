"""The named rules and the SQL that applies them agree, against each service's real database (no
broker): where a store keeps a rule in SQL (a belt, or set-based for the reporting rebuild), the
value kept after facts come in every order and run is the one the pure rule folds to. And the
operator's erasure names the case progress.case_an_erasure_names picks, read from the store."""
from __future__ import annotations

import itertools
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from functools import reduce

from contracts.referral import ReferralRequested
from ptfc.kit import db
from services.referral.domain import intake as referral_domain
from services.referral.domain import progress
from services.referral import store as referral_store
from services.referral.app import SPEC as REFERRAL
from services.referral.cli import case_of
from services.reporting.domain import measures as reporting_domain
from services.reporting import store as reporting_store
from services.reporting.app import SPEC as REPORTING
from services.workshops.domain import repeats
from services.workshops import store as workshops_store
from services.workshops.app import SPEC as WORKSHOPS
from tests.support.builders import referral, uid
from tests.support.services import for_service

T0 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
TIMES = [T0 + timedelta(hours=h) for h in (5, 1, 9)]


@asynccontextmanager
async def database(settings, spec):
    """The service's own database, created and migrated as its start-up would: one connection."""
    pool = await db.open_database(settings.database_url, for_service(settings, spec.name).database_name, 1,
                                  spec.package_dir)
    try:
        async with pool.acquire() as conn:
            yield conn
    finally:
        await pool.close()


async def test_workshops_keeps_the_earliest_elearning_in_any_order(settings):
    async with database(settings, WORKSHOPS) as conn:
        for order in itertools.permutations(TIMES):
            person = uid("P")
            for at in order:  # the SQL belt alone, each completion written as it comes
                await workshops_store.record_elearning(conn, person, at)
            assert await workshops_store.elearning_completed_at(conn, person) == reduce(repeats.earliest, order, None)


async def test_reporting_folds_runs_as_the_rules_do_in_any_order_and_grouping(settings):
    days = [date(2026, 11, d) for d in (20, 12, 30)]
    S = reporting_domain.Survey
    answers = [(T0 + timedelta(hours=3), S(True, True, True)), (T0 + timedelta(hours=1), S(False, False, False)),
               (T0 + timedelta(hours=3), S(True, False, True)), (T0 + timedelta(hours=2), S(False, True, False))]
    async with database(settings, REPORTING) as conn:
        for cut in (1, 2, 3):  # one run of all, or runs of one or two: the upsert meets what was kept
            for order in itertools.permutations(range(3)):
                person = uid("P")
                for i in range(0, 3, cut):
                    run = order[i:i + cut]
                    await reporting_store.elearning_completed(conn, [(person, TIMES[j]) for j in run])
                    await reporting_store.attended(conn, [(person, days[j]) for j in run])
                assert await conn.fetchval("SELECT completed_at FROM elearning WHERE person_id = $1", person) == \
                    reduce(reporting_domain.earliest, [TIMES[j] for j in order])
                assert await conn.fetchval("SELECT first_attended_on FROM attendance WHERE person_id = $1",
                                           person) == reduce(reporting_domain.earliest, [days[j] for j in order])
        for cut in (1, 2, 4):
            person = uid("P")
            for i in range(0, 4, cut):
                await reporting_store.surveys(conn, [(person, at, s) for at, s in answers[i:i + cut]])
            kept = await conn.fetchrow("SELECT submitted_at, clearer_understanding, child_at_centre, "
                                       "high_satisfaction FROM surveys WHERE person_id = $1", person)
            assert (kept[0], S(*kept[1:])) == reduce(reporting_domain.latest_submission, answers) == answers[2]


async def accepted_and_rejected(conn, person: str) -> tuple[str, str]:
    """An accepted PTfC referral in one case, then a duplicate in another, refused as already active."""
    areas, first, again = {"A1": "lot-north"}, uid("C"), uid("C")
    ok = ReferralRequested.model_validate(referral(case=first, person=person))
    dup = ReferralRequested.model_validate(referral(case=again, person=person))
    yes = referral_domain.decide(ok, T0, areas, referral_domain.History(), referral_domain.Targets())
    no = referral_domain.decide(dup, T0 + timedelta(days=1), areas, referral_domain.History(active=True),
                                referral_domain.Targets())
    assert no.reasons[0].code == "already_active"
    await referral_store.add(conn, [(ok, yes, T0), (dup, None, T0 + timedelta(days=1))])
    return first, again


async def test_a_stage_date_once_written_stays_as_first_value_wins_says(settings):
    async with database(settings, REFERRAL) as conn, conn.transaction():
        person = uid("P")
        await accepted_and_rejected(conn, person)
        first, later = date(2026, 11, 10), date(2026, 11, 12)
        row = progress.referral_a_fact_counts_for(await referral_store.active_referrals(conn, person), "ptfc")
        await referral_store.set_stage(conn, row.referral_id, "workshop_attended_on", first)
        await referral_store.set_stage(conn, row.referral_id, "workshop_attended_on", later)  # the belt holds
        kept = (await referral_store.get(conn, row.referral_id)).workshop_attended_on
        assert kept == progress.first_value_wins(first, later) == first


async def test_the_operators_erasure_names_the_accepted_referrals_case_not_a_later_rejected_one(settings):
    """Before the rule, `ORDER BY received_at DESC LIMIT 1` named the rejected duplicate's case."""
    async with database(settings, REFERRAL) as conn:
        person = uid("P")
        first, again = await accepted_and_rejected(conn, person)
    assert await case_of(for_service(settings, "referral"), person) == first != again
