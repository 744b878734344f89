"""What the console page shows, from the report and its rows: the KPI table, the charts and their
text alternatives, the default period. Pure apart from drawing (CPU only), no I/O."""
from __future__ import annotations

from datetime import date
from typing import Any

from services.reporting.domain import trends
from services.reporting.cli import _cell, flatten
from services.reporting.domain.measures import Row
from services.reporting.domain.report import Filters


def default_period(today: date) -> tuple[str, str]:
    """The last 12 months: from the first of the month eleven months back, to today."""
    y, m = (today.year, today.month - 11) if today.month > 11 else (today.year - 1, today.month + 1)
    return date(y, m, 1).isoformat(), today.isoformat()


def table(doc: dict[str, Any]) -> dict[str, Any]:
    """The KPI table as cells: one row per figure, the whole cohort, then one column per area."""
    whole = [(k, v) for k, v in flatten({k: v for k, v in doc.items() if k != "by_area"})
             if not k.startswith(("period.", "filters."))]
    columns = {f"{a['cafcass_area']} ({a['lot']})": dict(flatten(a)) for a in doc["by_area"]}
    rows = [[name.replace("_", " "), _cell(name, value), *(_cell(name, col.get(name)) for col in columns.values())]
            for name, value in whole]
    return {"head": ["figure", "all", *columns], "rows": rows}


def chart_list(f: Filters, rows: list[Row], doc: dict[str, Any]) -> list[dict[str, str]]:
    """Each chart: an id, its title, its text alternative and its SVG."""
    from services.reporting.domain import charts  # matplotlib loads on the first console view, not at start-up
    monthly, lots, areas = trends.by_month(f, rows), trends.by_lot(f, rows), trends.by_area(doc)
    survey = trends.survey(doc)
    t1 = "E-learning within 14 days and workshop by day 35, by month of day 0"
    t2, t3 = "The same two figures by lot", "The same two figures by Cafcass area"
    t4 = f"Workshop feedback ({doc['survey']['respondents']} respondents)"
    pct = lambda v: "none to count" if v is None else f"{v:.1f}%"  # noqa: E731
    return [
        {"id": "by-month", "title": t1, "alt": trends.describe(monthly, t1), "svg": charts.over_time(monthly)},
        {"id": "by-lot", "title": t2, "alt": trends.describe(lots, t2), "svg": charts.bars(lots)},
        {"id": "by-area", "title": t3, "alt": trends.describe(areas, t3), "svg": charts.bars(areas)},
        {"id": "survey", "title": t4, "svg": charts.survey(survey),
         "alt": t4 + ": " + "; ".join(f"{name} {pct(v)}" for name, v in survey) + "."},
    ]
