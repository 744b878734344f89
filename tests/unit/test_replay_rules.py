"""Migrating cases in flight, the pure rules: the replay hold, programme order, catching up, and
timers that judge as of their due time (learning reminders and certificates, workshop timers)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from ptfc.kit import ordering, replay
from ptfc.replay import Round
from services.learning.domain import course as learning
from services.learning.records import Parent
from services.workshops.domain import workshop as workshops

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
DUE = NOW - timedelta(days=50)  # a day-42 check of a referral made 92 days ago
H = timedelta(hours=1)


def test_no_timer_fires_while_a_replay_is_open_and_all_that_are_due_fire_after_it_ends():
    assert replay.horizon(NOW, open_replays=1) is None
    assert replay.horizon(NOW, open_replays=2) is None  # two operators' replays: both must end
    assert replay.horizon(NOW, open_replays=0) == NOW  # ended: every timer due by now, in due order


def test_an_event_waits_behind_a_due_timer_of_its_case_that_has_not_fired():
    assert ordering.overtakes(DUE + H, DUE, NOW)  # a workshop after day 42, read before the check fired
    assert not ordering.overtakes(DUE, DUE, NOW)  # at the very due time: the fact counts (wins a tie)
    assert not ordering.overtakes(DUE - H, DUE, NOW)  # before it: applied at once
    assert not ordering.overtakes(DUE + H, None, NOW)  # no timer pending for the case
    # A timer not yet due by the clock (tests holding time still) is no reason to wait.
    assert not ordering.overtakes(NOW + 2 * H, NOW + H, NOW)


def test_a_run_of_events_is_cut_before_a_second_event_of_one_case():
    order = ordering.BatchOrder(SimpleNamespace(spec=SimpleNamespace(programme_order=True)))
    ev = lambda case: SimpleNamespace(event=SimpleNamespace(subject=case))  # noqa: E731
    assert order.cuts([ev("C1"), ev("C2")], ev("C1")) and not order.cuts([ev("C1")], ev("C2"))
    off = ordering.BatchOrder(SimpleNamespace(spec=SimpleNamespace(programme_order=False)))
    assert not off.cuts([ev("C1")], ev("C1"))  # a service that keeps no programme order: as before


def test_caught_up_means_every_lag_zero_every_outbox_sent_and_nothing_parked():
    assert Round({"referral": 0, "learning": 0}, {"referral": 0}, {"referral": 0}).clean()
    assert not Round({"referral": 0, "learning": 3}, {}, {}).clean()
    assert not Round({"referral": None}, {}, {}).clean()  # a group that has read nothing yet
    assert not Round({"referral": 0}, {"learning": 1}, {}).clean()
    assert not Round({"referral": 0}, {}, {"workshops.lot-north": 2}).clean()
    line = Round({"referral": 1200, "learning": 0, "plans": None}, {"referral": 4}, {"learning": 1}).line()
    assert line == "lag 1,200 (plans not started, referral 1,200); unsent 4; parked 1"


def parent(**over):
    return Parent(**{"person_id": "P1", "referral_id": "R1", "case_number": "C1", "lot": "lot-north",
                     "programme": "ptfc", "referred_on": (DUE - 10 * 24 * H).date(), "status": "active",
                     "accepted_at": DUE - 10 * 24 * H, "activated_at": None, "withdrawn_at": None, **over})


def test_a_learning_reminder_is_judged_as_of_its_due_time():
    assert learning.reminder("R1", parent(), None, DUE) == "with_link"
    assert learning.reminder("R1", parent(), DUE + H, DUE) == "with_link"  # e-learning finished later
    assert learning.reminder("R1", parent(), DUE - H, DUE) is None  # finished before: no reminder
    assert learning.reminder("R1", parent(activated_at=DUE - H), None, DUE) == "plain"
    assert learning.reminder("R1", parent(activated_at=DUE + H), None, DUE) == "with_link"  # activated later
    assert learning.reminder("R1", parent(status="withdrawn", withdrawn_at=DUE + H), None, DUE) == "with_link"
    assert learning.reminder("R1", parent(status="withdrawn", withdrawn_at=DUE - H), None, DUE) is None
    assert learning.reminder("R1", parent(status="withdrawn"), None, DUE) is None  # withdrawn before this was kept
    # Re-referred after it was due: the old referral was the parent's then; before it: not any more.
    assert learning.reminder("R0", parent(accepted_at=DUE + H), None, DUE) == "with_link"
    assert learning.reminder("R0", parent(accepted_at=DUE - H), None, DUE) is None
    assert learning.current_at("R1", None, DUE) is False


def test_workshop_timers_judge_a_booking_and_a_call_as_of_their_due_time():
    assert workshops.booked_at("booked", None, DUE)
    assert workshops.booked_at("released", DUE + H, DUE)  # released at the start, after a reminder's due time
    assert workshops.booked_at("attended", DUE + H, DUE)
    assert not workshops.booked_at("released", DUE - H, DUE)
    assert not workshops.booked_at("released", DUE, DUE)
    assert workshops.open_at(None, DUE) and workshops.open_at(DUE + H, DUE)  # recorded late: overdue then
    assert not workshops.open_at(DUE, DUE)
