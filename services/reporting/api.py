"""The reporting service's HTTP route: GET /reports/kpi, for operators holding the bearer token.

`OPERATOR_API_TOKEN` is read from the environment at each request (unset: 503), compared in
constant time by the kit's `bearer_token`.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from contracts.lots import load_area_table
from ptfc.kit.api import bearer_token, errors, operator_token
from services.reporting import store_report
from services.reporting.domain import report
from services.reporting.console import add_console


def add_routes(svc) -> APIRouter:
    router = APIRouter(tags=["reporting"])
    areas = load_area_table(svc.settings.lot_table_file)
    token = bearer_token(operator_token, scheme="operatorApiToken", unset="the report is not configured")

    @router.get("/reports/kpi", dependencies=[token], responses=errors(400, 401, 503))
    async def kpi(start: str | None = Query(None, alias="from", description="YYYY-MM-DD, day 0 from (inclusive)"),
                  end: str | None = Query(None, alias="to", description="YYYY-MM-DD, day 0 to (inclusive)"),
                  programme: str | None = None, lot: str | None = None,
                  cafcass_area: str | None = None) -> dict[str, Any]:
        """The programme's KPI table (kpi.md) for the referrals made in the period, as JSON,
        with `Authorization: Bearer $OPERATOR_API_TOKEN`; 503 while that token is not configured."""
        try:
            f = report.filters(start, end, programme=programme, lot=lot, cafcass_area=cafcass_area, areas=areas)
        except report.ReportError as exc:
            raise HTTPException(400, str(exc)) from None
        if svc.pool is None:
            raise HTTPException(503, "the read model is not ready yet")
        async with svc.pool.acquire() as conn:
            return await store_report.kpi(conn, f)

    add_console(router, svc, areas, operator_token)
    return router
