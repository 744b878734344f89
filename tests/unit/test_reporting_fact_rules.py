"""Which value of a repeated fact the KPI read model keeps (services/reporting/domain/measures.py). One
rule per test; tests/integration/test_fact_rules_sql.py holds the SQL upserts to the same rules."""
from __future__ import annotations

from datetime import date, datetime, timezone

from services.reporting.domain import measures

T0 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)


def test_the_first_elearning_completion_and_first_workshop_count_whatever_order_they_come_in():
    assert measures.earliest(date(2026, 11, 20), date(2026, 11, 12)) == date(2026, 11, 12)
    assert measures.earliest(date(2026, 11, 12), date(2026, 11, 20)) == date(2026, 11, 12)
    assert measures.earliest(T0, T0.replace(hour=8)) == T0.replace(hour=8)


def test_the_last_survey_submission_by_its_own_time_counts_and_a_tie_goes_to_the_one_read_later():
    early, late = (T0, measures.Survey(False, False, False)), (T0.replace(hour=10), measures.Survey(True, True, True))
    assert measures.latest_submission(early, late) == late
    assert measures.latest_submission(late, early) == late  # read out of order: the later one stays
    again = (T0.replace(hour=10), measures.Survey(True, False, True))
    assert measures.latest_submission(late, again) == again
