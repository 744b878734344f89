"""Sending an invitation (on acceptance, and again on request) and checking its link over HTTP."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from contracts import learning as L
from contracts import topics as T
from ptfc.kit.api import Problem
from services.learning import store
from services.learning.domain import course


async def send(ctx, person_id: str, at: datetime, *, reissue: bool = False, template: str = "invitation",
               extra: dict | None = None) -> None:
    await store.add_invitations(ctx.conn, [await issue(ctx, person_id, at, reissue=reissue, template=template,
                                                       extra=extra)])


async def issue(ctx, person_id: str, at: datetime, *, reissue: bool = False, template: str = "invitation",
                extra: dict | None = None) -> tuple[str, course.Invitation]:
    """A fresh single-use token, emailed; the caller stores what this returns (only the token's hash)."""
    s = ctx.service.config
    inv = course.invitation(secrets.token_urlsafe(32), at, s.invitation_ttl_hours)
    context = {"activation_link": course.activation_link(s.parent_hub_url, inv.token),
               "expires_at": course.expiry_text(inv.expires_at), **(extra or {})}
    await ctx.request_email(template, person_id, context)
    await ctx.emit(T.LEARNING_EVENTS, L.INVITATION_SENT,
                   L.InvitationSent(person_id=person_id, expires_at=inv.expires_at, reissue=reissue))
    return person_id, inv


class VerifyRequest(BaseModel):
    token: str = Field(min_length=1, max_length=199)


class Verified(BaseModel):
    valid: bool
    state: str
    person_id: str | None = None


BAD_BODY = 'body must be {"token": "..."}'


async def _token(request: Request) -> str:
    """400 with one fixed message for any malformed body (the Parent Hub's contract predates 422)."""
    try:
        return VerifyRequest.model_validate_json(await request.body() or b"{}").token
    except ValidationError:
        raise HTTPException(400, BAD_BODY) from None


def router(svc) -> APIRouter:
    routes = APIRouter()

    @routes.post("/invitations/verify", response_model=Verified, response_model_exclude_none=True,
                 openapi_extra={"requestBody": {"required": True, "content": {
                     "application/json": {"schema": VerifyRequest.model_json_schema()}}}},
                 responses={400: {"model": Problem}, 404: {"model": Verified, "description": "Unknown link"},
                            410: {"model": Verified, "description": "Link used or expired"}})
    async def verify(token: str = Depends(_token)) -> Any:
        """The Parent Hub checks a link: 200 valid, 410 used or expired, 404 unknown."""
        row = await store.invitation_by_hash(svc.pool, course.token_hash(token))
        if row is None or row.status != "active":
            return JSONResponse({"valid": False, "state": "unknown"}, 404)
        state = course.invitation_state(row.used_at, row.expires_at, svc.clock.now())
        if state != "valid":
            return JSONResponse({"valid": False, "state": state}, 410)
        return Verified(valid=True, state=state, person_id=row.person_id)

    return routes
