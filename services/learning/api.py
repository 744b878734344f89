"""The learning service's HTTP routes: invitation links, certificates, satisfaction figures.

- GET /certificates/check/<number>: public; says only whether the number is genuine.
- GET /certificates/<number>[.pdf]: the certificate PDF, for callers holding the bearer token.
- GET /reports/satisfaction[?lot=<lot>]: counts and percentages from workshop feedback.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel

from ptfc.kit.api import bearer_token, errors
from services.learning import certificate_store, certificates, invitations, store
from services.learning.domain import course, feedback


class Genuine(BaseModel):
    genuine: bool


class Share(BaseModel):
    count: int
    percent: float | None


class Satisfaction(BaseModel):
    survey: str
    lot: str | None
    responses: int
    clearer_understanding: Share
    child_at_centre: Share
    high_satisfaction: Share


def api_token(settings) -> str | None:
    return settings.certificate_api_token or None


def add_routes(svc) -> APIRouter:
    router = APIRouter(tags=["learning"])
    router.include_router(invitations.router(svc))
    token = bearer_token(lambda: api_token(svc.config), scheme="certificateApiToken",
                         unset="certificate downloads are not configured")

    @router.get("/certificates/check/{number}", response_model=Genuine)
    async def check(number: str) -> Any:
        """True or false and nothing else: not whose it is, not when, not whether it looked close."""
        canonical = course.normalised_number(number)
        return Genuine(genuine=canonical is not None and await certificate_store.exists(svc.pool, canonical))

    @router.get("/certificates/{number}", dependencies=[token], response_class=Response,
                responses={200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                                 "description": "The certificate (PDF)"},
                           **errors(401, 404, 503)})
    async def download(number: str) -> Any:
        """The certificate PDF (`<number>` or `<number>.pdf`), with `Authorization: Bearer
        $CERTIFICATE_API_TOKEN`; 503 while that token is not configured."""
        canonical = course.normalised_number(number.removesuffix(".pdf"))
        cert = await certificate_store.by_number(svc.pool, canonical) if canonical else None
        if cert is None:
            raise HTTPException(404, "no such certificate")
        name = await certificate_store.name(svc.pool, cert.person_id)
        return Response(certificates.certificate_pdf(cert, name), media_type="application/pdf")

    @router.get("/reports/satisfaction", response_model=Satisfaction)
    async def satisfaction(lot: str | None = None) -> Any:
        """Counts and percentages from the latest workshop feedback of each parent (of one lot)."""
        lot = lot or None
        row = await store.satisfaction_counts(svc.pool, lot, feedback.HIGH_SATISFACTION)
        figures = feedback.satisfaction_figures(row.responses, row.clearer, row.child_at_centre, row.high)
        return {"survey": feedback.WORKSHOP_FEEDBACK, "lot": lot, **figures}

    return router
