"""`make chaos`: the fault schedule and the partners' journeys (pure, no I/O)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.learning import MODULES
from ptfc.chaos import journeys as J
from ptfc.chaos import plan

NOW = datetime(2026, 11, 29, 12, tzinfo=timezone.utc)
INSTANCES = ["referral", "learning", "notifications", "workshops.lot-north"]


def test_every_instance_is_killed_the_times_asked_and_each_outage_comes_once_within_the_window():
    faults = plan.schedule(INSTANCES, window=300, seed=4, kills_each=2, postgres_seconds=20, broker_seconds=15)
    assert Counter(f.target for f in faults if f.kind == plan.KILL) == {name: 2 for name in INSTANCES}
    assert [(f.kind, f.down) for f in faults if f.kind != plan.KILL] in (
        [(plan.POSTGRES, 20), (plan.BROKER, 15)], [(plan.BROKER, 15), (plan.POSTGRES, 20)])
    assert all(0 <= f.at <= 300 for f in faults) and [f.at for f in faults] == sorted(f.at for f in faults)
    assert all(0.5 <= f.down <= 3.0 for f in faults if f.kind == plan.KILL)


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    assert plan.schedule(INSTANCES, 300, seed=4) == plan.schedule(INSTANCES, 300, seed=4)
    assert plan.schedule(INSTANCES, 300, seed=4) != plan.schedule(INSTANCES, 300, seed=5)


def test_an_outage_of_zero_seconds_is_left_out():
    faults = plan.schedule(INSTANCES, 60, seed=1, kills_each=1, postgres_seconds=3, broker_seconds=0)
    assert [f.kind for f in faults if f.kind != plan.KILL] == [plan.POSTGRES]


def test_one_referral_in_ten_never_starts_and_the_others_are_spread_over_the_lots():
    js = J.journeys("r1", 20, ["lot-north", "lot-east", "lot-south-west"], NOW)
    assert [j.n for j in js if j.kind == "lapse"] == [9, 19]
    assert {j.lot for j in js} == {"lot-north", "lot-east"}  # only lots the default area table maps
    assert J.sessions_needed(js, "lot-north") == 2  # 9 completers in 6-place sessions


def types(messages: list[tuple[str, dict]]) -> list[str]:
    return [env["type"] for _, env in messages]


def test_a_parent_goes_through_each_step_only_when_the_system_published_the_fact_before_it():
    j = J.journeys("r2", 1, ["lot-north"], NOW)[0]
    topic, ref = J.referral(j)
    assert (topic, ref["type"], ref["data"]["cafcass_area"]) == (T.PARTNER_REFERRALS, R.REQUESTED, "A1")
    assert J.react(j, L.ELEARNING_COMPLETED) == [] and j.step == "referred"  # out of step: nothing
    assert types(J.react(j, R.ACCEPTED)) == [L.ACCOUNT_ACTIVATED] + [L.MODULE_COMPLETED] * len(MODULES)
    assert J.react(j, R.ACCEPTED) == []  # a redelivered copy of the fact changes nothing
    J.react(j, L.ELEARNING_COMPLETED)
    assert j.step == "learned"  # the driver books once workshops holds the e-learning too
    topic, booking = J.booking(j, 3)
    assert topic == T.partner_workshops("lot-north")
    assert booking["data"]["session_id"] == J.session_id("r2", "lot-north", 3)
    after = J.react(j, W.BOOKING_CONFIRMED)
    assert types(after) == [W.ATTENDANCE_RECORDED, L.SURVEY_SUBMITTED]
    assert after[0][1]["data"]["session_id"] == booking["data"]["session_id"]
    J.react(j, R.COMPLETED)
    assert (j.step, j.outcome, j.anomalies) == ("done", J.OUTCOME["complete"], [])


def test_a_parent_who_never_starts_waits_for_the_day_42_report():
    j = J.journeys("r3", 10, ["lot-north"], NOW)[9]
    assert (j.kind, J.react(j, R.ACCEPTED)) == ("lapse", [])
    J.react(j, R.NON_COMPLETION_REPORTED)
    assert j.outcome == J.OUTCOME["lapse"] == R.NON_COMPLETION_REPORTED


def test_a_partners_message_keeps_its_id_when_sent_again_and_each_step_has_its_own():
    j = J.journeys("r4", 1, ["lot-north"], NOW)[0]
    assert J.referral(j)[1]["id"] == J.referral(j)[1]["id"]
    ids = [env["id"] for _, env in [J.referral(j), *J.learning(j), J.booking(j, 0), *J.after_workshop(j)]]
    assert len(ids) == len(set(ids))


def test_a_fact_these_journeys_must_not_produce_is_kept_as_an_anomaly():
    j = J.journeys("r5", 1, ["lot-north"], NOW)[0]
    J.react(j, W.BOOKING_RELEASED)
    assert j.anomalies == [W.BOOKING_RELEASED]


def test_sessions_are_back_dated_so_that_certificates_are_due_at_once():
    j = J.journeys("r6", 1, ["lot-north"], NOW)[0]
    [(topic, session)] = J.sessions("r6", "lot-north", 1, j.day0)
    assert topic == T.partner_workshops("lot-north") and session["data"]["capacity"] == J.SEATS
    starts = datetime.fromisoformat(session["data"]["parts"][0]["starts_at"])
    assert j.day0 < starts and starts.replace(hour=0) < NOW.replace(hour=0)  # days ago, after day 0
