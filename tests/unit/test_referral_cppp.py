"""CPPP's own rules (pure): intake, the start once both parents consent, completion, the lapse."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from contracts.lots import DEFAULT_AREA_TO_LOT
from contracts.referral import ReferralAccepted, ReferralRejected, ReferralRequested
from services.programme import Programme
from services.referral.domain import cppp, intake
from services.referral.domain.cppp import Rule, Session
from tests.support.builders import referral

DAY0 = date(2027, 1, 4)  # a Monday; the window's last day is 29 March 2027 (day 0 + 12 weeks)
GUARDIAN = {"name": "Gail Guardian", "email": "gail@cafcass.example"}


def s(day: int, month: int = 1, joint: bool = False, sid: str | None = None) -> Session:
    return Session(sid or f"S-{month}-{day}", date(2027, month, day), joint)


FOUR_ONE_JOINT = [s(11, joint=True), s(18), s(25), s(1, 2)]


def decide(**over) -> ReferralAccepted | ReferralRejected:
    return intake.decide(ReferralRequested.model_validate(referral(programme="cppp", **over)),
                         datetime(2027, 1, 4, 10, tzinfo=timezone.utc), DEFAULT_AREA_TO_LOT, intake.History(),
                         intake.Targets())


# --- intake ---------------------------------------------------------------------------------------

def test_rule_16_4_without_a_guardian_is_rejected():
    r = decide(cppp={"proceedings": "rule_16_4", "consent": True})
    assert isinstance(r, ReferralRejected) and [x.code for x in r.reasons] == ["cppp_guardian_missing"]


def test_a_guardian_with_an_invalid_address_is_rejected():
    r = decide(cppp={"proceedings": "rule_16_4", "consent": True, "guardian": {**GUARDIAN, "email": "gail@@x"}})
    assert [x.code for x in r.reasons] == ["invalid_email"] and "guardian" in r.reasons[0].message


def test_section_7_needs_no_guardian():
    assert isinstance(decide(cppp={"proceedings": "section_7", "consent": True}), ReferralAccepted)


def test_a_cppp_acceptance_has_no_ptfc_stages_every_due_date_is_the_windows_last_day():
    a = decide(cppp={"proceedings": "rule_16_4", "consent": True, "guardian": GUARDIAN})
    assert (a.elearning_due_on, a.workshop_due_on, a.completion_due_on) == (date(2027, 3, 29),) * 3


# --- the start: both parents consent --------------------------------------------------------------

def test_one_consenting_parent_does_not_start_the_programme():
    assert not cppp.started({"A": frozenset({"B"})})


def test_both_parents_naming_each_other_start_it():
    assert cppp.started({"A": frozenset({"B"}), "B": frozenset({"A"})})


def test_a_referral_naming_no_co_parent_is_paired_by_the_other_parents_referral():
    assert cppp.started({"A": frozenset(), "B": frozenset({"A"})})


def test_a_named_co_parent_who_has_not_consented_holds_the_start():
    assert not cppp.started({"A": frozenset({"B"}), "C": frozenset()})


# --- completion -----------------------------------------------------------------------------------

def test_four_sessions_one_of_them_joint_within_the_window_complete_it():
    assert cppp.shortfall(FOUR_ONE_JOINT, DAY0, Rule(), True) == []


def test_three_sessions_are_too_few():
    assert cppp.shortfall(FOUR_ONE_JOINT[:3], DAY0, Rule(), True) == ["too_few_sessions"]


def test_four_sessions_none_joint_miss_the_joint_session():
    alone = [s(11), s(18), s(25), s(1, 2)]
    assert cppp.shortfall(alone, DAY0, Rule(), True) == ["no_joint_session"]


def test_a_session_after_the_windows_last_day_does_not_count_one_on_it_does():
    on_last_day = FOUR_ONE_JOINT[:3] + [s(29, 3)]
    after = FOUR_ONE_JOINT[:3] + [s(30, 3)]
    assert cppp.shortfall(on_last_day, DAY0, Rule(), True) == []
    assert cppp.shortfall(after, DAY0, Rule(), True) == ["too_few_sessions"]


def test_a_session_before_day_0_does_not_count():
    assert cppp.shortfall(FOUR_ONE_JOINT[:3] + [s(3)], DAY0, Rule(), True) == ["too_few_sessions"]


def test_a_programme_that_never_started_is_not_complete():
    assert cppp.shortfall([], DAY0, Rule(), False) == ["not_started", "too_few_sessions", "no_joint_session"]


def test_the_numbers_are_settings_with_the_contracts_defaults():
    assert Rule.of(Programme()) == Rule(4, 1, 12)
    custom = Rule.of(Programme(cppp_sessions_required=2, cppp_joint_sessions_required=0, cppp_window_weeks=6))
    assert cppp.shortfall([s(11), s(18)], DAY0, custom, True) == []
    assert cppp.window_ends_on(DAY0, custom) == date(2027, 2, 15)


def test_the_record_counts_only_this_parents_sessions_in_the_window_earliest_first():
    rec = cppp.record([s(1, 2), s(11, joint=True), s(30, 3)], DAY0, Rule(), True)
    assert (rec.sessions_attended, rec.joint_sessions) == (2, 1)
    assert [x.held_on for x in rec.sessions] == [date(2027, 1, 11), date(2027, 2, 1)]
    assert rec.shortfall == ["too_few_sessions"] and rec.window_ends_on == date(2027, 3, 29)
    words = cppp.report_context(rec, Rule())
    assert words["sessions"] == ["11 January 2027 (joint session)", "1 February 2027"]


# --- the lapse and who is told --------------------------------------------------------------------

def test_the_lapse_is_checked_when_the_windows_last_uk_day_has_ended():
    assert cppp.lapse_due(DAY0, Rule()).isoformat() == "2027-03-30T00:00:00+01:00"  # BST by then
    assert cppp.lapse_due(date(2026, 9, 1), Rule()).isoformat() == "2026-11-25T00:00:00+00:00"


def test_rule_16_4_reports_to_the_guardian_and_court_section_7_to_the_fca():
    assert cppp.recipients("R1", "rule_16_4", True) == ["guardian:R1", "court:R1"]
    assert cppp.recipients("R1", "section_7", False) == ["fca:R1"]


# --- recorded sessions ----------------------------------------------------------------------------

def refusal(attended=("A",), joint=False, parents=("A", "B"), active=("A", "B"), started=True, case="C1",
            held_on=date(2026, 12, 1)):
    return cppp.session_refusal(case, "C1", list(attended), joint, set(parents), set(active), started,
                                held_on, date(2026, 12, 1))


@pytest.mark.parametrize("over, reason", [
    ({"case": "C2"}, "case_number is not the event's subject"),
    ({"active": ()}, "no active CPPP referral for this case_number"),
    ({"attended": ()}, "attended_person_ids is empty"),
    ({"attended": ("A", "X")}, "attended_person_ids names a person with no CPPP referral in this case"),
    ({"started": False}, "the case's CPPP has not started: both parents must consent first"),
    ({"joint": True}, "joint is true but attended_person_ids names fewer than two parents"),
    ({"held_on": date(2026, 12, 2)}, "held_on is after the day the session was recorded"),
])
def test_each_session_refusal_on_its_own(over, reason):
    assert refusal(**over) == reason


def test_a_joint_session_with_a_parent_who_already_completed_is_kept():
    assert refusal(attended=("A", "B"), joint=True, active=("B",)) is None
