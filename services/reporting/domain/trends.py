"""What the console's charts show, computed from the report's rows. Pure, no I/O.

The two timeliness figures per month of day 0, and per lot; the survey figures come from the
report itself. Targets: kpi.md gives no target of its own, so the line drawn is the published
national figure ("so far, across England") each one is judged against; change them here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from services.reporting.domain.measures import Row, figures
from services.reporting.domain.report import Filters, selects

ELEARNING_TARGET = 69.6  # kpi.md, published: e-learning completed within 14 days
WORKSHOP_TARGET = 74.8  # kpi.md, published: group session attended by day 35


@dataclass(frozen=True)
class Point:
    label: str  # "2026-04", or a lot, or an area
    elearning: float | None  # percent within 14 days of those who completed; None: none completed
    workshop: float | None  # percent by day 35 of those who attended; None: none attended
    referrals: int


def months(start: date, end: date) -> list[str]:
    """Every month the period touches, "YYYY-MM", in order."""
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _point(label: str, rows: list[Row]) -> Point:
    f = figures(rows)
    return Point(label, f["elearning_completed"]["within_14_days"]["percent"],
                 f["sessions_attended"]["by_day_35"]["percent"], f["referrals"])


def by_month(f: Filters, rows: Iterable[Row]) -> list[Point]:
    """One point per month of day 0 in the period (a month with no referral has no percent)."""
    groups: dict[str, list[Row]] = {m: [] for m in months(f.start, f.end)}
    for r in rows:
        if selects(f, r):
            groups[r.referred_on.strftime("%Y-%m")].append(r)
    return [_point(m, g) for m, g in groups.items()]


def by_lot(f: Filters, rows: Iterable[Row]) -> list[Point]:
    groups: dict[str, list[Row]] = {}
    for r in rows:
        if selects(f, r):
            groups.setdefault(r.lot, []).append(r)
    return [_point(lot, g) for lot, g in sorted(groups.items())]


def by_area(doc: dict[str, Any]) -> list[Point]:
    """From the report's own by_area lines (already in area order)."""
    return [Point(a["cafcass_area"], a["elearning_completed"]["within_14_days"]["percent"],
                  a["sessions_attended"]["by_day_35"]["percent"], a["referrals"]) for a in doc["by_area"]]


def survey(doc: dict[str, Any]) -> list[tuple[str, float | None]]:
    s = doc["survey"]
    return [("clearer understanding", s["clearer_understanding"]["percent"]),
            ("child at the centre", s["child_at_centre"]["percent"]),
            ("high satisfaction", s["high_satisfaction"]["percent"])]


def describe(points: list[Point], what: str) -> str:
    """A chart's text alternative: every figure it draws, in words."""
    def pct(v: float | None) -> str:
        return "none to count" if v is None else f"{v:.1f}%"
    if not points:
        return f"{what}: no referrals in the period."
    parts = [f"{p.label}: e-learning within 14 days {pct(p.elearning)}, workshop by day 35 {pct(p.workshop)}"
             f" ({p.referrals} referrals)" for p in points]
    return (f"{what}, against targets of {ELEARNING_TARGET}% (e-learning) and {WORKSHOP_TARGET}% "
            f"(workshop). " + "; ".join(parts) + ".")
