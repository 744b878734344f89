"""`ptfc report ...`: the KPI report from the reporting service's database, for people (a table),
as JSON or as CSV; and `ptfc report rebuild`, which replays the read model from the topics."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import asyncpg

from contracts.lots import load_area_table
from ptfc.kit import db
from ptfc.kit.service import database_of
from ptfc.kit.settings import Settings
from services.reporting import store, store_report
from services.reporting.domain import report


async def _connect(settings: Settings) -> asyncpg.Connection:
    return await asyncpg.connect(db.with_database(settings.database_url, database_of(settings, "reporting")))


async def kpi(settings: Settings, start: str | None, end: str | None, programme: str | None = None,
              lot: str | None = None, cafcass_area: str | None = None) -> dict[str, Any]:
    """The report as the HTTP route gives it; ReportError for a request it cannot answer."""
    f = report.filters(start, end, programme=programme, lot=lot, cafcass_area=cafcass_area,
                       areas=load_area_table(settings.lot_table_file))
    conn = await _connect(settings)
    try:
        return await store_report.kpi(conn, f)
    finally:
        await conn.close()


async def rebuild(settings: Settings) -> int:
    """Empty the model and start a new generation; the service replays the topics into it."""
    conn = await _connect(settings)
    try:
        return await store.rebuild(conn)
    finally:
        await conn.close()


def flatten(doc: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """('elearning_completed.within_14_days.percent', 69.6), ... in the report's own order."""
    out: list[tuple[str, Any]] = []
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out += flatten(value, name + ".")
        else:
            out.append((name, value))
    return out


def _cell(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if value == {}:
        return "none"
    if name.endswith(".percent"):
        return f"{value:.1f}%"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def table(doc: dict[str, Any]) -> str:
    """For people: one line per figure, the whole cohort then one column per area."""
    areas = doc["by_area"]
    whole = [(k, v) for k, v in flatten({k: v for k, v in doc.items() if k != "by_area"})
             if not k.startswith(("period.", "filters."))]
    columns = {f"{a['cafcass_area']} ({a['lot']})": dict(flatten(a)) for a in areas}
    f, p = doc["filters"], doc["period"]
    head = (f"KPI report: referrals made {p['from']} to {p['to']}, programme {f['programme']}"
            + (f", lot {f['lot']}" if f["lot"] else "") + (f", area {f['cafcass_area']}" if f["cafcass_area"] else ""))
    lines = [["figure", "all", *columns]] + [
        [name, _cell(name, value), *(_cell(name, col.get(name)) for col in columns.values())] for name, value in whole]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    body = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths)))
            for line in lines]
    return "\n".join([head, "", *body, "", "percent: of the figure above it; -: none to count (null)"])


def to_csv(doc: dict[str, Any]) -> str:
    """One row per figure: scope (all, or an area), lot, figure, value (empty for null)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["scope", "lot", "figure", "value"])
    for name, value in flatten({k: v for k, v in doc.items() if k != "by_area"}):
        w.writerow(["all", doc["filters"]["lot"] or "", name, _csv(value)])
    for area in doc["by_area"]:
        for name, value in flatten({k: v for k, v in area.items() if k not in ("cafcass_area", "lot")}):
            w.writerow([area["cafcass_area"], area["lot"], name, _csv(value)])
    return out.getvalue()


def _csv(value: Any) -> Any:
    return "" if value is None or value == {} else value


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2)
    return to_csv(doc) if fmt == "csv" else table(doc)
