"""The operator console: `GET /console`, an HTML page people can look at (the KPI table, charts
drawn on the server as SVG, each service's consumer lag, dead letters by reason, readiness).

Sign-in: see `console_auth` (the operator token, then an HttpOnly, SameSite=Strict cookie).
The page loads nothing from elsewhere and runs no script: its Content-Security-Policy allows no
script, no connection and only its own inline styles; the charts are inline SVG.
Bad input (a period the report refuses) is shown on the page with status 400, never a trace.
No personal data: ids, dates, areas, lots, counts and percentages only.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from contracts.lots import LOTS
from ptfc.kit.calendar import uk_date
from ptfc.kit.kafka_security import client_kwargs
from ptfc.kit.logging import get_logger
from services.reporting import console_auth as auth
from services.reporting import console_view, ops, store, store_report
from services.reporting.domain import report

log = get_logger()
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                        undefined=StrictUndefined, auto_reload=False)
HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
           "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}
_drawing = asyncio.Lock()  # one chart set at a time: the worker thread's CPU is the service's too


def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**values), status, headers=HEADERS)


async def system_state(svc) -> dict[str, Any]:
    """Lag from Kafka, dead letters from the read model, readiness if URLs are configured; a part
    that cannot be read says so (by the error's type only) and the rest is shown."""
    async def lags() -> Any:
        try:
            return await ops.consumer_lags(svc.settings.kafka_bootstrap_servers, svc.settings.topic_namespace,
                                           svc.group_id, timeout=5.0, security=client_kwargs(svc.settings))
        except Exception as exc:
            return f"consumer lag could not be read ({type(exc).__name__})"

    async def dead() -> Any:
        try:
            return await store.dead_letter_summary(svc.pool)
        except Exception as exc:
            return f"dead letters could not be read ({type(exc).__name__})"
    lag, dead_letters, ready = await asyncio.gather(lags(), dead(), ops.readiness())
    return {"lags": lag, "dead_letters": dead_letters, "ready": ready}


def add_console(router: APIRouter, svc, areas: dict[str, str], token_of) -> None:
    @router.get("/console", response_class=HTMLResponse, responses={400: {}, 401: {}, 503: {}})
    async def console(request: Request) -> Response:
        """The operator console (HTML); the sign-in form without the console cookie."""
        token = token_of()
        if not token:
            return page("sign_in.html.j2", 503, error="The console is not configured (OPERATOR_API_TOKEN is unset).")
        if not auth.signed_in(request, token):
            return page("sign_in.html.j2", 401, error=None)
        q = request.query_params
        start, end = console_view.default_period(uk_date(svc.clock.now()))
        form = {"from": q.get("from") or start, "to": q.get("to") or end, "programme": q.get("programme") or "ptfc",
                "lot": q.get("lot") or "", "cafcass_area": q.get("cafcass_area") or ""}
        values: dict[str, Any] = {"form": form, "error": None, "table": None, "charts": [], "areas": sorted(areas),
                                  "lots": sorted(set(LOTS) | set(areas.values())), "report": None}
        try:
            f = report.filters(form["from"], form["to"], programme=form["programme"], lot=form["lot"],
                               cafcass_area=form["cafcass_area"], areas=areas)
        except report.ReportError as exc:
            values["error"] = str(exc)
            f = None
        if f is not None and svc.pool is None:
            values["error"], f = "the read model is not ready yet: try again in a moment", None
        state = asyncio.create_task(system_state(svc))
        if f is not None:
            async with svc.pool.acquire() as conn:
                rows, rejections = await store_report.read(conn, f)
            doc = report.kpi(f, rows, rejections)
            async with _drawing:
                values["charts"] = await asyncio.to_thread(console_view.chart_list, f, rows, doc)
            values.update(report=doc, table=console_view.table(doc))
        values.update(await state)
        return page("console.html.j2", 400 if values["error"] else 200, **values)

    @router.post("/console/sign-in", response_class=HTMLResponse, responses={303: {}, 401: {}, 503: {}})
    async def sign_in(request: Request) -> Response:
        """Form field `token`: the operator token. Right: the console cookie, then to the console."""
        token = token_of()
        if not token:
            return page("sign_in.html.j2", 503, error="The console is not configured (OPERATOR_API_TOKEN is unset).")
        if not auth.token_matches(await auth.form_token(request), token):
            log.info("reporting.console_sign_in_refused")
            return page("sign_in.html.j2", 401, error="That is not the operator token.")
        response = RedirectResponse("/console", 303, headers=HEADERS)
        auth.set_cookie(response, request, token)
        return response

    @router.post("/console/sign-out", responses={303: {}})
    async def sign_out() -> Response:
        """Forget the console cookie."""
        response = RedirectResponse("/console", 303, headers=HEADERS)
        auth.clear_cookie(response)
        return response
