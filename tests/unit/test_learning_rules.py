"""Learning rules: e-learning completion, programme clock, reminders, certificates, feedback."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.learning import MODULES
from services.learning.domain import course, feedback
from services.programme import Programme

UTC = timezone.utc
ORDERED = date(2026, 11, 2)


@given(st.lists(st.sampled_from(MODULES), max_size=40))
def test_complete_exactly_when_every_module_is_done_in_any_order(done):
    assert course.elearning_complete(set(done)) == (set(done) == set(MODULES))


def test_a_missing_module_keeps_it_incomplete_whatever_else_is_repeated():
    modules = list(MODULES[1:]) * 3
    random.shuffle(modules)
    assert not course.elearning_complete(set(modules))
    assert course.elearning_complete(set(modules) | {"welcome"})


def test_target_counts_days_from_day_0_in_england():
    # 16 Nov is day 14. 23:30 UTC on 16 Nov is still 16 Nov in London (GMT in November).
    assert course.within_target(ORDERED, datetime(2026, 11, 16, 23, 30, tzinfo=UTC), 14)
    assert not course.within_target(ORDERED, datetime(2026, 11, 17, 0, 1, tzinfo=UTC), 14)
    # In summer time 23:30 UTC is already the next day in England.
    assert not course.within_target(date(2026, 6, 1), datetime(2026, 6, 15, 23, 30, tzinfo=UTC), 14)


def test_reminders_at_days_7_and_12_at_nine_in_the_morning():
    accepted = datetime(2026, 11, 2, 15, tzinfo=UTC)
    ahead = course.reminders_ahead(ORDERED, Programme(reminder_days="12, 7").reminder_days, accepted)
    assert ahead == [(7, datetime(2026, 11, 9, 9, tzinfo=UTC)), (12, datetime(2026, 11, 14, 9, tzinfo=UTC))]


def test_a_late_referral_gets_no_stale_reminders():
    ahead = course.reminders_ahead(ORDERED, [7, 12], datetime(2026, 11, 10, tzinfo=UTC))
    assert [day for day, _ in ahead] == [12]
    assert course.reminders_ahead(ORDERED, [7, 12], datetime(2026, 11, 23, tzinfo=UTC)) == []


ENDED = datetime(2026, 11, 20, 17, tzinfo=UTC)  # the workshop's last part ended
DONE = datetime(2026, 11, 12, tzinfo=UTC)  # the e-learning was complete


def test_certificate_24_hours_after_the_workshop_ended_not_after_the_record():
    recorded = ENDED + timedelta(minutes=20)
    assert course.certificate_due_at(ENDED, recorded, DONE, 24) == ENDED + timedelta(hours=24)


def test_certificate_delay_is_never_more_than_48_hours_whatever_the_setting():
    assert course.certificate_due_at(ENDED, ENDED, DONE, 96) == ENDED + timedelta(hours=48)


@pytest.mark.parametrize("late_by", [timedelta(hours=30), timedelta(hours=49), timedelta(days=9)])
def test_a_record_after_the_24_hours_issues_the_certificate_at_once(late_by):
    """Recorded 30 hours, 49 hours or nine days after the end: due when the record arrives."""
    assert course.certificate_due_at(ENDED, ENDED + late_by, DONE, 24) == ENDED + late_by


def test_attendance_facts_from_before_the_end_was_published_count_from_the_record():
    assert course.certificate_due_at(None, ENDED, DONE, 24) == ENDED + timedelta(hours=24)


def test_certificate_never_before_the_elearning_was_complete():
    late = ENDED + timedelta(hours=30)
    assert course.certificate_due_at(ENDED, ENDED, late, 24) == late


def test_certificate_numbers_are_well_formed_distinct_and_normalised():
    numbers = {course.new_certificate_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for n in list(numbers)[:50]:
        assert course.normalised_number(n) == n
        assert course.normalised_number(" " + n.lower() + " ") == n
    assert course.certificate_number(0) == "PTFC-0000-0000-0000-0000"
    assert course.certificate_number(2 ** 80 - 1) == "PTFC-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    for bad in ("", "PTFC-0000-0000-0000", "PTFC-IIII-0000-0000-0000", "X" * 500, "../etc/passwd"):
        assert course.normalised_number(bad) is None


def test_long_date_is_written_as_on_a_letter():
    assert course.long_date(date(2026, 11, 2)) == "2 November 2026"


def test_workshop_feedback_needs_its_three_answers():
    fb = feedback.workshop_feedback({"clearer_understanding": True, "child_at_centre": False,
                                     "satisfaction": 4, "comment": "free text"})
    assert fb == feedback.WorkshopFeedback(True, False, 4)
    with pytest.raises(ValueError) as exc:
        feedback.workshop_feedback({"clearer_understanding": "yes", "satisfaction": True})
    message = str(exc.value)
    for field in ("clearer_understanding", "child_at_centre", "satisfaction"):
        assert field in message
    assert "yes" not in message  # names the field, never repeats the answer
    for score in (0, 6, 4.5, "5"):
        with pytest.raises(ValueError):
            feedback.workshop_feedback({"clearer_understanding": True, "child_at_centre": True,
                                        "satisfaction": score})


def test_satisfaction_figures_are_counts_and_percentages():
    figures = feedback.satisfaction_figures(3, 2, 3, 1)
    assert figures == {"responses": 3, "clearer_understanding": {"count": 2, "percent": 66.7},
                       "child_at_centre": {"count": 3, "percent": 100.0},
                       "high_satisfaction": {"count": 1, "percent": 33.3}}
    assert feedback.satisfaction_figures(0, 0, 0, 0)["high_satisfaction"] == {"count": 0, "percent": None}


def test_the_elearning_due_date_counts_from_the_order():
    from datetime import date
    from services.learning.domain import course
    assert course.elearning_due_on(date(2026, 11, 2), 14) == date(2026, 11, 16)


def test_a_link_expiry_reads_in_england_time():
    from datetime import datetime, timezone
    assert course.expiry_text(datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc)) == "1 July 2026 at 23:30"  # BST
    assert course.expiry_text(datetime(2026, 12, 1, 22, 30, tzinfo=timezone.utc)) == "1 December 2026 at 22:30"


def test_a_reminder_goes_only_to_an_unfinished_current_referral_with_a_link_if_never_activated():
    from datetime import datetime, timezone
    at = datetime(2026, 11, 9, 9, tzinfo=timezone.utc)
    from dataclasses import replace
    from services.learning.records import Parent
    parent = Parent("P1", "R1", "C1", "lot-north", "ptfc", at.date(), "active", at)
    assert course.reminder("R1", parent, None) == "with_link"
    assert course.reminder("R1", replace(parent, activated_at=at), None) == "plain"
    assert course.reminder("R1", parent, at) is None  # e-learning done
    assert course.reminder("R1", replace(parent, status="withdrawn"), None) is None
    assert course.reminder("R0", parent, None) is None  # re-referred: the old referral's timer
    assert course.reminder("R1", None, None) is None


def test_both_stages_are_needed_for_a_certificate():
    from datetime import date, datetime, timezone
    done, day = datetime(2026, 11, 10, tzinfo=timezone.utc), date(2026, 11, 20)
    assert course.both_stages_done(done, day)
    assert not course.both_stages_done(None, day) and not course.both_stages_done(done, None)


def test_an_account_activated_again_keeps_its_first_activation_time():
    from datetime import datetime, timedelta, timezone
    first = datetime(2026, 11, 3, 10, tzinfo=timezone.utc)
    assert course.first_value_wins(None, first) == first
    assert course.first_value_wins(first, first + timedelta(days=1)) == first
    assert course.first_value_wins(first, first - timedelta(days=1)) == first  # first recorded, not earliest
