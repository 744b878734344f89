"""Which value of a repeated workshops fact stands (services/workshops/domain/repeats.py). One rule per test."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.workshops.domain import repeats

T0 = datetime(2026, 11, 20, 18, tzinfo=timezone.utc)


def test_a_parents_elearning_counts_from_its_earliest_completion_in_any_order():
    later = T0 + timedelta(days=3)
    assert repeats.earliest(None, later) == later
    assert repeats.earliest(later, T0) == T0  # an earlier completion read late still counts
    assert repeats.earliest(T0, later) == T0
    assert repeats.earliest(T0, T0) == T0


def test_a_sessions_attendance_stays_recorded_when_first_recorded():
    later = T0 + timedelta(hours=2)
    assert repeats.first_value_wins(None, T0) == T0
    assert repeats.first_value_wins(T0, later) == T0
    assert repeats.first_value_wins(later, T0) == later  # the first record, not the earliest time
