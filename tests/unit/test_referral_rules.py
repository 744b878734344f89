"""Referral intake and outcome rules (pure)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from contracts.lots import DEFAULT_AREA_TO_LOT
from contracts.referral import ReferralAccepted, ReferralRejected, ReferralRequested
from services.referral.domain import intake, progress
from tests.support.builders import referral


MADE_AT = datetime(2026, 1, 30, 10, 0, tzinfo=timezone.utc)  # the referral event's own `time`


def decide(history=intake.History(), made_at=MADE_AT, **over) -> ReferralAccepted | ReferralRejected:
    return intake.decide(ReferralRequested.model_validate(referral(**over)), made_at, DEFAULT_AREA_TO_LOT,
                         history, intake.Targets())


def test_accepted_referral_carries_the_programme_clocks_and_no_contact_details():
    a = decide(ordered_on="2026-01-27")
    assert isinstance(a, ReferralAccepted)
    assert (a.elearning_due_on, a.workshop_due_on, a.completion_due_on) == (
        date(2026, 2, 13), date(2026, 3, 6), date(2026, 3, 13))
    dumped = a.model_dump_json()
    assert "@" not in dumped and "Alex" not in dumped


def test_day_0_is_the_uk_date_the_referral_was_made_not_the_order_date():
    """v1.1 correction: an order of 20 January referred on 30 January counts from 30 January."""
    a = decide(ordered_on="2026-01-20")
    assert (a.ordered_on, a.referred_on) == (date(2026, 1, 20), date(2026, 1, 30))
    assert a.elearning_due_on == date(2026, 2, 13)


def test_day_0_is_the_date_in_england_not_utc():
    """23:30 UTC on 30 June is 00:30 on 1 July in England (BST): day 0 is 1 July."""
    a = decide(made_at=datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc))
    assert a.referred_on == date(2026, 7, 1) and a.elearning_due_on == date(2026, 7, 15)


def test_acceptance_carries_what_the_report_needs():
    a = decide(cafcass_area="A10")
    assert (a.cafcass_area, a.lot, a.route, a.programme) == ("A10", DEFAULT_AREA_TO_LOT["A10"], "court_order", "ptfc")


def test_an_area_the_default_table_does_not_know_is_rejected_not_guessed():
    """Only the known mappings are built in (north A1, A2, A4, A5; east A10, A11, A14)."""
    assert decide(cafcass_area="A5").lot == "lot-north" and decide(cafcass_area="A14").lot == "lot-east"
    assert [r.code for r in decide(cafcass_area="A3").reasons] == ["unknown_cafcass_area"]


def test_only_a_cppp_section_7_referral_is_the_trial():
    s7 = decide(programme="cppp", cppp={"proceedings": "section_7", "consent": True})
    r164 = decide(programme="cppp", cppp={"proceedings": "rule_16_4", "consent": True,
                                          "guardian": {"name": "Gail Guardian", "email": "g@cafcass.example"}})
    assert (s7.trial, r164.trial, decide().trial) == (True, False, False)


def test_the_hand_off_carries_contact_details_and_the_partners_dates():
    req = ReferralRequested.model_validate(referral(cafcass_area="A10"))
    h = intake.hand_off(req, decide(cafcass_area="A10", parent=req.parent.model_dump()))
    assert (h.email, h.given_name, h.phone) == (req.parent.email, "Alex", "+44 7700 900123")
    assert (h.referred_on, h.completion_due_on) == (date(2026, 1, 30), date(2026, 3, 13))
    assert h.needs.in_person is False


@pytest.mark.parametrize("over, code", [
    ({"route": "self_referral"}, "route_not_allowed"),
    ({"cafcass_area": "Z1"}, "unknown_cafcass_area"),
    ({"court_email": "court@@x"}, "invalid_email"),
    ({"programme": "cppp"}, "cppp_details_missing"),
    ({"programme": "cppp", "cppp": {"proceedings": "care", "consent": True}}, "cppp_proceedings_not_eligible"),
    ({"programme": "cppp", "cppp": {"proceedings": "section_7", "consent": False}}, "cppp_consent_missing"),
])
def test_each_rule_rejects_on_its_own(over, code):
    r = decide(**over)
    assert isinstance(r, ReferralRejected) and [x.code for x in r.reasons] == [code]


def test_every_reason_is_given_at_once():
    r = decide(intake.History(active=True), route="x", cafcass_area="Z", court_email="no")
    assert sorted(x.code for x in r.reasons) == ["already_active", "invalid_email", "route_not_allowed",
                                                  "unknown_cafcass_area"]


def test_cppp_with_consent_for_section_7_is_accepted_and_a_past_referral_marks_a_re_referral():
    a = decide(intake.History(earlier=True), programme="cppp", cppp={"proceedings": "section_7", "consent": True})
    assert isinstance(a, ReferralAccepted) and a.re_referral and a.programme == "cppp"


def test_in_one_batch_a_parent_accepted_once_is_active_for_the_next_referral():
    """The set-based handler folds History.after over a run, as separate batches would see it."""
    first = decide(intake.History(earlier=True))
    after = intake.History(earlier=True).after(first)
    assert after == intake.History(active=True, earlier=True)
    assert [r.code for r in decide(after).reasons] == ["already_active"]
    rejected = decide(route="x")
    assert intake.History().after(rejected) == intake.History()  # a rejection changes nothing


def test_header_injection_in_an_address_is_not_a_valid_email():
    assert not intake.email_ok("a@b.example\r\nBcc: x@y.example")


def test_non_completion_is_checked_when_day_42_has_ended_in_uk_time():
    assert progress.non_completion_due(date(2026, 5, 1), 42).isoformat() == "2026-06-13T00:00:00+01:00"
    assert progress.non_completion_due(date(2026, 11, 2), 42).isoformat() == "2026-12-15T00:00:00+00:00"


def test_only_an_active_referral_missing_a_stage_is_reported():
    missing = progress.Stages(date(2026, 1, 2), None)
    assert progress.report_non_completion("active", missing)
    assert not progress.report_non_completion("active", missing, "cppp")  # CPPP lapses by its own rule
    assert not progress.report_non_completion("withdrawn", missing)
    assert not progress.report_non_completion("active", progress.Stages(date(2026, 1, 2), date(2026, 1, 9)))
    assert progress.recipients("R1", False) == ["fca:R1"]


def test_the_longest_names_a_referral_may_carry_fit_the_contact_and_certificate_messages():
    """Given and family names of 200 characters each join to 401: a valid referral must never be
    refused downstream (its name would then land in a log line and a dead letter)."""
    from contracts.learning import CertificateNameRecorded
    from contracts.notification import ContactRecorded
    req = ReferralRequested.model_validate(referral(parent={**referral()["parent"],
                                                            "given_name": "A" * 200, "family_name": "B" * 200}))
    name = intake.contact_name(req)
    assert len(name) == 401
    ContactRecorded(contact_id="p", role="parent", name=name, email="p@example.org")
    CertificateNameRecorded(person_id="p", display_name=name)


def test_a_validation_error_is_logged_by_field_only_never_with_the_value():
    from pydantic import ValidationError
    from contracts.notification import ContactRecorded
    from ptfc.kit.deadletter import error_detail
    try:
        ContactRecorded(contact_id="p", role="parent", name="Alexandra Morganson" * 30, email="p@example.org")
    except ValidationError as exc:
        detail = error_detail(exc)
    assert "name" in detail and "Alexandra" not in detail


def test_history_from_the_statuses_of_earlier_referrals():
    assert intake.History.of({"rejected"}) == intake.History()
    assert intake.History.of({"active", "withdrawn"}) == intake.History(active=True, earlier=True)
    for ended in ("withdrawn", "completed", "not_completed"):
        assert intake.History.of({ended, "rejected"}) == intake.History(earlier=True)


def test_retention_erases_on_the_same_uk_day_months_later_and_0_keeps_data():
    assert progress.erasure_due(date(2026, 11, 2), 6).isoformat() == "2027-05-02T00:00:00+01:00"
    assert progress.erasure_due(date(2026, 8, 31), 6).date() == date(2027, 2, 28)  # a shorter month
    assert progress.erasure_due(date(2026, 8, 31), 0) is None


def test_only_the_last_referrals_retention_erases():
    closed = datetime(2026, 11, 2, tzinfo=timezone.utc)
    assert progress.erase_on_retention(False, closed, closed)
    assert not progress.erase_on_retention(True, closed, closed)  # referred again: in the programme
    assert not progress.erase_on_retention(False, closed + timedelta(days=40), closed)  # left later
