"""The KPI report's pure rules: percents, median, cohort boundaries, UK dates, the request's checks."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from contracts.lots import DEFAULT_AREA_TO_LOT
from services.reporting.domain import measures, report
from services.reporting.domain.measures import Row, median, percent
from services.reporting.domain.report import Filters, Rejection, ReportError

D0 = date(2026, 6, 1)


def row(**kw) -> Row:
    base = dict(referral_id="R1", programme="ptfc", route="court_order", lot="lot-north", cafcass_area="A1",
                referred_on=D0, ordered_on=date(2026, 5, 29))
    return Row(**{**base, **kw})


def f(start="2026-06-01", end="2026-06-30", **kw) -> Filters:
    return report.filters(start, end, areas=DEFAULT_AREA_TO_LOT, **kw)


def test_percent_rounds_half_up_to_one_decimal():
    assert percent(1391, 2000) == 69.6  # 69.55 exactly: half up, not to even, not float-truncated
    assert percent(1, 8) == 12.5
    assert percent(1, 16) == 6.3  # 6.25
    assert percent(2, 3) == 66.7
    assert percent(1441, 7734) == 18.6


def test_percent_is_null_when_the_whole_is_zero():
    assert percent(0, 0) is None
    assert measures.share(0, 0) == {"count": 0, "percent": None}


def test_median_of_odd_even_and_no_values():
    assert median([5, 1, 3]) == 3
    assert median([1, 2, 3, 10]) == 2.5
    assert median([2, 4]) == 3 and isinstance(median([2, 4]), int)
    assert median([]) is None


@pytest.mark.parametrize("days,inside", [(-1, False), (0, True), (14, True), (15, False)])
def test_elearning_target_is_day_0_to_14_inclusive(days, inside):
    at = datetime(2026, 6, 1, 11, tzinfo=timezone.utc) + (date.fromordinal(D0.toordinal() + days) - D0)
    assert measures.elearning_on_time(row(elearning_completed_at=at)) is inside


@pytest.mark.parametrize("days,inside", [(-1, False), (0, True), (35, True), (36, False)])
def test_workshop_target_is_day_0_to_35_inclusive(days, inside):
    assert measures.workshop_on_time(row(first_attended_on=date.fromordinal(D0.toordinal() + days))) is inside


def test_completion_just_after_midnight_bst_is_the_next_uk_day():
    # 23:30 UTC on day 14 is 00:30 BST on day 15: late. 22:59 UTC is still day 14 in England.
    assert not measures.elearning_on_time(row(elearning_completed_at=datetime(2026, 6, 15, 23, 30, tzinfo=timezone.utc)))
    assert measures.elearning_on_time(row(elearning_completed_at=datetime(2026, 6, 15, 22, 59, tzinfo=timezone.utc)))


def test_cohort_period_is_inclusive_on_day_0():
    rows = [row(referral_id="a", referred_on=date(2026, 5, 31)), row(referral_id="b", referred_on=date(2026, 6, 1)),
            row(referral_id="c", referred_on=date(2026, 6, 30)), row(referral_id="d", referred_on=date(2026, 7, 1))]
    assert report.kpi(f(), rows, [])["referrals"] == 2


def test_filters_narrow_by_programme_lot_and_area():
    rows = [row(referral_id="a"), row(referral_id="b", programme="cppp"),
            row(referral_id="c", cafcass_area="A10", lot="lot-east")]
    assert report.kpi(f(), rows, [])["referrals"] == 2
    assert report.kpi(f(programme="cppp"), rows, [])["referrals"] == 1
    assert report.kpi(f(lot="lot-east"), rows, [])["referrals"] == 1
    assert report.kpi(f(cafcass_area="A1"), rows, [])["referrals"] == 1



def test_an_empty_cohort_gives_zeros_and_null_percents():
    doc = report.kpi(f(), [], [])
    assert doc["referrals"] == 0 and doc["by_area"] == []
    assert doc["fca_recommended"] == {"count": 0, "percent": None}
    assert doc["elearning_completed"]["within_14_days"]["percent"] is None
    assert doc["survey"]["high_satisfaction"]["percent"] is None
    assert doc["median_days_order_to_referral"] is None


def test_by_area_lines_carry_the_same_figures_as_the_whole():
    rows = [row(referral_id="a", route="fca_recommendation"), row(referral_id="b", cafcass_area="A10", lot="lot-east"),
            row(referral_id="c", cafcass_area="A2")]
    doc = report.kpi(f(), rows, [])
    assert [a["cafcass_area"] for a in doc["by_area"]] == ["A1", "A2", "A10"]
    whole_keys = set(doc) - {"period", "filters", "by_area"}
    assert set(doc["by_area"][0]) == whole_keys | {"cafcass_area", "lot"}
    assert doc["by_area"][0]["fca_recommended"] == {"count": 1, "percent": 100.0}
    assert doc["fca_recommended"] == {"count": 1, "percent": 33.3}


def test_rejections_count_per_referral_in_the_period_and_by_reason():
    rejections = [Rejection("x", date(2026, 6, 2), ("invalid_email", "route_not_allowed")),
                  Rejection("y", date(2026, 6, 3), ("invalid_email",)), Rejection("z", date(2026, 7, 1), ("x",))]
    assert report.kpi(f(), [], rejections)["rejected"] == {
        "count": 2, "by_reason": {"invalid_email": 2, "route_not_allowed": 1}}
    assert report.kpi(f(lot="lot-north"), [], rejections)["rejected"] is None  # no area on a rejection


@pytest.mark.parametrize("start,end,problem", [
    ("2026-07-01", "2026-06-01", "from must not be after to"),
    ("2026-6-1", "2026-06-30", "from must be a date"),
    ("2026-06-01", "yesterday", "to must be a date"),
    (None, "2026-06-30", "from is required"),
    ("2016-01-01", "2026-01-02", "longer than 10 years"),
])
def test_bad_periods_are_refused_with_a_plain_message(start, end, problem):
    with pytest.raises(ReportError, match=problem):
        f(start, end)


def test_ten_years_exactly_is_allowed_and_unknown_filters_are_refused():
    assert f("2016-01-01", "2026-01-01").end == date(2026, 1, 1)
    with pytest.raises(ReportError, match="unknown lot"):
        f(lot="lot-mars")
    with pytest.raises(ReportError, match="unknown cafcass_area"):
        f(cafcass_area="Z9")
    with pytest.raises(ReportError, match="programme"):
        f(programme="other")
    assert isinstance(ReportError("x"), ValueError)
