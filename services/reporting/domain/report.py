"""The KPI report's request (checked filters) and its JSON shape (kpi.md). Pure, no I/O."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from contracts.lots import LOTS
from services.reporting.domain.measures import Row, figures, in_period

PROGRAMMES = ("ptfc", "cppp")
MAX_YEARS = 10


class ReportError(ValueError):
    """A request the report cannot answer; the message is for the person who asked."""


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    programme: str = "ptfc"
    lot: str | None = None
    cafcass_area: str | None = None


@dataclass(frozen=True)
class Rejection:
    referral_id: str
    rejected_on: date  # the UK date of the rejection's time
    codes: tuple[str, ...]


def _day(value: str | None, name: str) -> date:
    if not value:
        raise ReportError(f"{name} is required (YYYY-MM-DD)")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ReportError(f"{name} must be a date written YYYY-MM-DD") from None


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the same span ends on 1 March
        return date(day.year + years, 3, 1)


def filters(start: str | None, end: str | None, *, programme: str | None = None, lot: str | None = None,
            cafcass_area: str | None = None, areas: dict[str, str]) -> Filters:
    """Checked filters; `areas` is the Cafcass-area-to-lot table that names the known ones."""
    first, last = _day(start, "from"), _day(end, "to")
    if first > last:
        raise ReportError("from must not be after to")
    if last > _years_after(first, MAX_YEARS):
        raise ReportError(f"the period must not be longer than {MAX_YEARS} years")
    programme = programme or "ptfc"
    if programme not in PROGRAMMES:
        raise ReportError(f"programme must be one of: {', '.join(PROGRAMMES)}")
    lots = set(LOTS) | set(areas.values())
    if lot and lot not in lots:
        raise ReportError("unknown lot; known lots: " + ", ".join(sorted(lots)))
    if cafcass_area and cafcass_area not in areas:
        raise ReportError("unknown cafcass_area; known areas: " + ", ".join(sorted(areas, key=area_order)))
    return Filters(first, last, programme, lot or None, cafcass_area or None)


def area_order(area: str) -> tuple[str, int, str]:
    """A2 before A10: areas are letters then a number."""
    head = area.rstrip("0123456789")
    tail = area[len(head):]
    return (head, int(tail) if tail else -1, area)


def selects(f: Filters, row: Row) -> bool:
    return (in_period(row.referred_on, f.start, f.end) and row.programme == f.programme
            and (f.lot is None or row.lot == f.lot) and (f.cafcass_area is None or row.cafcass_area == f.cafcass_area))


def rejected(f: Filters, rejections: Iterable[Rejection]) -> dict[str, Any] | None:
    """Rejections in the period (UK date of the event). A rejection names no area, lot or
    programme (it may be for an unmapped area), so a report narrowed to one gives null."""
    if f.lot is not None or f.cafcass_area is not None:
        return None
    by_referral: dict[str, set[str]] = {}
    for r in rejections:
        if in_period(r.rejected_on, f.start, f.end):
            by_referral.setdefault(r.referral_id, set()).update(r.codes)
    reasons = Counter(code for codes in by_referral.values() for code in codes)
    return {"count": len(by_referral), "by_reason": dict(sorted(reasons.items()))}


def kpi(f: Filters, rows: Iterable[Row], rejections: Iterable[Rejection]) -> dict[str, Any]:
    """The whole report: the cohort's figures, then the same figures for each area in it."""
    cohort = [r for r in rows if selects(f, r)]
    whole = figures(cohort)
    areas: dict[tuple[str, str], list[Row]] = {}
    for r in cohort:
        areas.setdefault((r.cafcass_area, r.lot), []).append(r)
    by_area = [{"cafcass_area": area, "lot": lot, **_with_rejected(figures(group), None)}
               for (area, lot), group in sorted(areas.items(), key=lambda kv: (area_order(kv[0][0]), kv[0][1]))]
    return {"period": {"from": f.start.isoformat(), "to": f.end.isoformat()},
            "filters": {"programme": f.programme, "lot": f.lot, "cafcass_area": f.cafcass_area},
            **_with_rejected(whole, rejected(f, rejections)), "by_area": by_area}


def _with_rejected(figs: dict[str, Any], rejections: dict[str, Any] | None) -> dict[str, Any]:
    """kpi.md's order: rejections follow the plans figures."""
    out: dict[str, Any] = {}
    for key, value in figs.items():
        out[key] = value
        if key == "plans":
            out["rejected"] = rejections
    return out
