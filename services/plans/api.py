"""The plans service's HTTP routes: a plan's PDFs by download link, and the operator's view of
the links.

- GET /plans/links/<token>/plan.pdf: the plan (every area), for whoever holds a link;
- GET /plans/links/<token>/child-friendly.pdf: the child-friendly version, for a parent's link;
- GET /plans/cases/<case_number>/links, POST /plans/links/<link_id>/revoke: operators
  (`Authorization: Bearer $OPERATOR_API_TOKEN`, read at each request as reporting reads it).
A link that expired or was revoked is a 410, one that never existed (or a wrong secret) a 404.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Response

from ptfc.kit.api import bearer_token, errors, operator_token
from ptfc.kit.logging import get_logger
from services.plans import store, store_links
from services.plans.records import ListedLink
from services.plans.domain import document, links, pdf

log = get_logger()
GONE = {"expired": "this link has expired: ask for a new one (parents: in the Parent Hub; others: from the parent)",
        "revoked": "this link has been withdrawn", "closed": "this plan is no longer available"}
PDF = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
             "description": "The PDF"}, **errors(403, 404, 410)}
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def attachment(name: str) -> str:
    """The case number is a partner's text: in the header only as ASCII letters, digits, '.', '-'
    (a quote or ';' would break the header, a non-Latin-1 letter made every download a 500), and
    whole as RFC 6266's percent-encoded UTF-8 `filename*`."""
    plain = re.sub(r"[^A-Za-z0-9.-]", "_", name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


async def _printed(svc, row, which: str) -> bytes:
    case = row.case_number
    areas, history = await store.areas(svc.pool, case), await store_links.history(svc.pool, case)
    if which == links.CHILD:
        text = document.child_text(areas, history)
        render = lambda: pdf.child_pdf(text)  # noqa: E731
    else:
        text = document.plan_text(case, row.status, row.opened_by, row.finished_at, areas, history,
                                  svc.clock.now())
        render = lambda: pdf.plan_pdf(text, row.programme)  # noqa: E731
    # fpdf2 is pure Python: off the event loop, so consuming and other requests go on meanwhile.
    return await asyncio.to_thread(render)


def add_routes(svc) -> APIRouter:
    router = APIRouter(tags=["plans"])
    operator = bearer_token(operator_token, scheme="operatorApiToken", unset="plan links are not configured")

    async def serve(token: str, which: str) -> Response:
        parts = links.split(token)
        row = await store_links.link(svc.pool, parts[0]) if parts else None
        if parts is None or not links.secret_matches(parts[1], row.secret_hash if row else None):
            raise HTTPException(404, "no such link")
        state = links.state(row.revoked_at, row.expires_at, svc.clock.now())
        if state == "valid" and row.status == "closed":
            state = "closed"
        if state != "valid":
            raise HTTPException(410, GONE[state])
        if not links.may_fetch(row.audience, which):
            raise HTTPException(403, "this link gives the plan only: the child-friendly version is the parents'")
        body = await _printed(svc, row, which)
        await store_links.downloaded(svc.pool, row.link_id, svc.clock.now())
        log.info("plans.document_served", link_id=row.link_id, audience=row.audience, document=which)
        name = f"parenting-plan-{row.case_number}.pdf" if which == links.PLAN else "our-family-plan.pdf"
        return Response(body, media_type="application/pdf",
                        headers={**PRIVATE, "Content-Disposition": attachment(name)})

    @router.get("/plans/links/{token}/plan.pdf", response_class=Response, responses=PDF)
    async def plan_document(token: str) -> Any:
        """The plan: every area, with its agreed terms or its open state and history."""
        return await serve(token, links.PLAN)

    @router.get("/plans/links/{token}/child-friendly.pdf", response_class=Response, responses=PDF)
    async def child_document(token: str) -> Any:
        """Plain words, only the agreed arrangements that touch the child (a parent's link only)."""
        return await serve(token, links.CHILD)

    @router.get("/plans/cases/{case_number}/links", response_model=list[ListedLink], dependencies=[operator],
                responses=errors(401, 503))
    async def case_links(case_number: str) -> Any:
        """Every link issued for a case's plan, newest last (no secrets)."""
        return [asdict(r) for r in await store_links.case_links(svc.pool, case_number)]

    @router.post("/plans/links/{link_id}/revoke", response_model=ListedLink, dependencies=[operator],
                 responses=errors(401, 404, 503))
    async def revoke(link_id: str) -> Any:
        """The link stops working at once (410); revoking it again changes nothing."""
        row = await store_links.revoke(svc.pool, link_id, svc.clock.now())
        if row is None:
            raise HTTPException(404, "no such link")
        log.info("plans.link_revoked", link_id=link_id)
        return asdict(row)

    return router
