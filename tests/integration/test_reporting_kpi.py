"""The reporting service against the real broker and database: a small back-dated cohort's facts
are published onto the topics as the other services (and the Parent Hub) would, in an order that
puts some facts before their acceptance, with repeats; the report must give every figure as
counted by hand below."""
from __future__ import annotations

import asyncio
from datetime import date

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from services.reporting.app import SPEC
from tests.support.builders import uid
from tests.support.kafka import eventually, publish
from tests.support.reporting import APRIL, Facts, get, utc
from tests.support.services import running


async def test_every_kpi_figure_of_a_back_dated_cohort_and_its_areas(settings, producer, monkeypatch):
    token = uid("op")
    monkeypatch.setenv("OPERATOR_API_TOKEN", token)
    async with running(SPEC, settings) as svc:
        f = Facts(svc, producer)
        c1, c3, c4, c5 = uid("C"), uid("C"), uid("C"), uid("C")
        p1, p2, p3, p4, p5, p6 = (uid("P") for _ in range(6))
        # p4's e-learning arrives before its acceptance (another topic): joined at report time.
        await f.elearning(c4, p4, utc("2026-04-25"))  # day 5: on time
        r1 = await f.accepted(c1, p1, "court_order", "A1", "lot-north", "2026-04-01", "2026-03-29")  # 3 days
        await f.accepted(c1, p2, "fca_recommendation", "A1", "lot-north", "2026-04-01", "2026-03-31")  # 1 day
        r3 = await f.accepted(c3, p3, "fca_recommendation", "A10", "lot-east", "2026-04-10", "2026-04-01")  # 9
        r4 = await f.accepted(c4, p4, "court_order", "A10", "lot-east", "2026-04-20", "2026-04-15")  # 5
        await f.accepted(c5, p5, "fca_recommendation", "A1", "lot-north", "2026-05-01", "2026-04-30")  # May: out
        await f.accepted(c5, p6, "court_order", "A1", "lot-north", "2026-04-02", "2026-04-01", programme="cppp")

        await f.elearning(c1, p1, utc("2026-04-15"))  # day 14: on time
        await f.elearning(c1, p2, utc("2026-04-15", 23, 30))  # 00:30 BST on 16 April, day 15: late
        await f.elearning(c3, p3, utc("2026-04-12"))  # day 2
        await f.elearning(c5, p5, utc("2026-05-02"))
        await f.attended(c1, p1, "2026-05-06", "S1")  # day 35
        await f.attended(c1, p1, "2026-05-20", "S9")  # a later session: the first one counts
        await f.attended(c1, p2, "2026-05-07", "S1")  # day 36
        # p1's later answer is published first: the last by event time counts, not the last to arrive.
        await f.survey(c1, p1, utc("2026-05-08"), True, True, 5)
        await f.survey(c1, p1, utc("2026-05-07"), False, False, 1)
        await f.survey(c1, p2, utc("2026-05-08"), True, False, 3)
        await f.survey(c3, p3, utc("2026-05-08"), False, False, 4)
        await f.send(T.PLANS_EVENTS, P.PLAN_VIEWED, P.PlanViewedFact(case_number=c1, person_id=p1), c1, utc("2026-04-03"))
        await f.send(T.PLANS_EVENTS, P.AREA_UPDATED, P.PlanAreaUpdated(
            case_number=c1, area="money", person_id=p2, action="proposed", state="proposed", final=False), c1,
            utc("2026-04-04"))
        await f.send(T.PLANS_EVENTS, P.PLAN_OPENED, P.PlanOpenedFact(case_number=c3, opened_by=p3, person_ids=[p3]),
                     c3, utc("2026-04-11"))
        completed = await f.send(T.PLANS_EVENTS, P.PLAN_COMPLETED, P.PlanCompleted(
            case_number=c1, decisions={"money": "agreed"}), c1, utc("2026-05-10"))
        await publish(producer, svc.topic(T.PLANS_EVENTS), completed, c1)  # a redelivery: counted once
        await f.send(T.LEARNING_EVENTS, L.CERTIFICATE_ISSUED, L.CertificateIssued(
            person_id=p1, certificate_number="PTFC-1", issued_at=utc("2026-05-07"),
            elearning_completed_on=date(2026, 4, 15), workshop_attended_on=date(2026, 5, 6)), c1, utc("2026-05-07"))
        await f.send(T.REFERRAL_EVENTS, R.COMPLETED, R.ReferralCompleted(
            referral_id=r1, case_number=c1, person_id=p1, elearning_completed_on=date(2026, 4, 15),
            workshop_attended_on=date(2026, 5, 6), certificate_number="PTFC-1"), c1, utc("2026-05-07"))
        await f.send(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED, R.WithdrawalAccepted(
            referral_id=r3, case_number=c3, person_id=p3, lot="lot-east"), c3, utc("2026-04-20"))
        await f.send(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED, R.NonCompletionReported(
            referral_id=r4, case_number=c4, person_id=p4, elearning_completed=True, workshop_attended=False,
            reported_on=date(2026, 6, 1)), c4, utc("2026-06-01"))
        await f.follow_up(c1, p1, W.FOLLOW_UP_DUE, W.FollowUpDue, utc("2026-06-17"))
        await f.follow_up(c1, p1, W.FOLLOW_UP_OUTCOME_RECORDED, W.FollowUpRecordedFact, utc("2026-06-10"))
        await f.follow_up(c1, p2, W.FOLLOW_UP_DUE, W.FollowUpDue, utc("2026-06-18"))
        await f.follow_up(c1, p2, W.FOLLOW_UP_OVERDUE, W.FollowUpOverdue, utc("2026-06-18"))
        await f.rejected(utc("2026-03-31", 23, 30), "unmapped_area")  # 00:30 BST on 1 April: in April
        await f.rejected(utc("2026-04-05"), "route_not_allowed", "invalid_email")
        await f.rejected(utc("2026-04-06"), "invalid_email")
        await f.rejected(utc("2026-04-30", 23, 30), "invalid_email")  # 1 May in England: not in April
        await f.send(T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED, W.ParentAttended(  # p5: outside the cohort
            person_id=p5, session_id="S5", lot="lot-north", attended_on=date(2026, 5, 20),
            recorded_at=utc("2026-05-20")), c5, utc("2026-05-20"))

        async def all_applied() -> bool:
            return await svc.pool.fetchval("SELECT count(*) FROM inbox") == f.sent
        await eventually(all_applied, timeout=60, what="every fact applied")
        assert await svc.pool.fetchval("SELECT count(*) FROM dead_letters") == 0

        status, doc = await asyncio.to_thread(get, svc.http_port, APRIL, token)
        assert status == 200, doc
        a1 = {"cafcass_area": "A1", "lot": "lot-north", "referrals": 2,
              "fca_recommended": {"count": 1, "percent": 50.0},
              "elearning_completed": {"count": 2, "within_14_days": {"count": 1, "percent": 50.0}},
              "sessions_attended": {"count": 2, "by_day_35": {"count": 1, "percent": 50.0}},
              "survey": {"respondents": 2, "clearer_understanding": {"count": 2, "percent": 100.0},
                         "child_at_centre": {"count": 1, "percent": 50.0},
                         "high_satisfaction": {"count": 1, "percent": 50.0}},
              "plans": {"viewed_or_started": 2, "completed": 2}, "rejected": None,
              "withdrawn": 0, "certificates_issued": 1, "completions_reported": 1, "non_completions_reported": 0,
              "follow_up_calls": {"due": 2, "done": 1, "overdue": 1}, "median_days_order_to_referral": 2}
        assert doc["by_area"][0] == a1
        a10 = doc["by_area"][1]
        assert (a10["cafcass_area"], a10["lot"], a10["referrals"]) == ("A10", "lot-east", 2)
        assert a10["sessions_attended"] == {"count": 0, "by_day_35": {"count": 0, "percent": None}}
        assert a10["elearning_completed"] == {"count": 2, "within_14_days": {"count": 2, "percent": 100.0}}
        assert a10["median_days_order_to_referral"] == 7 and a10["withdrawn"] == 1
        assert len(doc["by_area"]) == 2
        assert {k: v for k, v in doc.items() if k != "by_area"} == {
            "period": {"from": "2026-04-01", "to": "2026-04-30"},
            "filters": {"programme": "ptfc", "lot": None, "cafcass_area": None},
            "referrals": 4,
            "fca_recommended": {"count": 2, "percent": 50.0},
            "elearning_completed": {"count": 4, "within_14_days": {"count": 3, "percent": 75.0}},
            "sessions_attended": {"count": 2, "by_day_35": {"count": 1, "percent": 50.0}},
            "survey": {"respondents": 3, "clearer_understanding": {"count": 2, "percent": 66.7},
                       "child_at_centre": {"count": 1, "percent": 33.3},
                       "high_satisfaction": {"count": 2, "percent": 66.7}},
            "plans": {"viewed_or_started": 3, "completed": 2},
            "rejected": {"count": 3, "by_reason": {"invalid_email": 2, "route_not_allowed": 1, "unmapped_area": 1}},
            "withdrawn": 1, "certificates_issued": 1, "completions_reported": 1, "non_completions_reported": 1,
            "follow_up_calls": {"due": 2, "done": 1, "overdue": 1},
            "median_days_order_to_referral": 4}
        status, east = await asyncio.to_thread(get, svc.http_port, APRIL + "&lot=lot-east", token)
        assert status == 200 and east["referrals"] == 2 and east["rejected"] is None
        assert east["by_area"] == [a10]


async def test_a_cohort_with_nothing_done_and_an_empty_period_give_null_percents(settings, producer, monkeypatch):
    token = uid("op")
    monkeypatch.setenv("OPERATOR_API_TOKEN", token)
    async with running(SPEC, settings) as svc:
        f = Facts(svc, producer)
        await f.accepted(uid("C"), uid("P"), "court_order", "A3", "lot-north", "2026-04-08", "2026-04-08")
        await eventually(lambda: svc.pool.fetchval("SELECT count(*) = 1 FROM referrals"), what="referral kept")
        status, april = await asyncio.to_thread(get, svc.http_port, APRIL, token)
        assert status == 200, april
        assert april["referrals"] == 1 and april["fca_recommended"] == {"count": 0, "percent": 0.0}
        assert april["elearning_completed"] == {"count": 0, "within_14_days": {"count": 0, "percent": None}}
        assert april["survey"]["respondents"] == 0 and april["survey"]["child_at_centre"]["percent"] is None
        assert april["median_days_order_to_referral"] == 0
        status, march = await asyncio.to_thread(get, svc.http_port, "from=2026-03-01&to=2026-03-31", token)
        assert status == 200, march
        assert march["referrals"] == 0 and march["by_area"] == [] and march["median_days_order_to_referral"] is None
        assert march["fca_recommended"]["percent"] is None and march["rejected"] == {"count": 0, "by_reason": {}}


async def test_the_route_needs_the_operator_token_and_explains_bad_input(console, monkeypatch):
    """Reads only: the shared console service (tests/integration/conftest.py) answers it."""
    monkeypatch.delenv("OPERATOR_API_TOKEN", raising=False)
    svc = console
    assert (await asyncio.to_thread(get, svc.http_port, APRIL, "anything"))[0] == 503
    token = uid("op")
    monkeypatch.setenv("OPERATOR_API_TOKEN", token)
    assert (await asyncio.to_thread(get, svc.http_port, APRIL, None))[0] == 401
    assert (await asyncio.to_thread(get, svc.http_port, APRIL, token + "x"))[0] == 401
    for query, message in [("from=2026-05-01&to=2026-04-01", "from must not be after to"),
                           ("from=2026-04-01&to=April", "to must be a date written YYYY-MM-DD"),
                           ("from=2010-01-01&to=2026-04-01", "the period must not be longer than 10 years"),
                           (APRIL + "&lot=lot-mars", "unknown lot"), (APRIL + "&cafcass_area=Q7", "unknown cafcass_area")]:
        status, body = await asyncio.to_thread(get, svc.http_port, query, token)
        assert status == 400 and body["error"].startswith(message), (query, body)
