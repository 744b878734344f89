"""Sending an invitation (on acceptance, and again on request) and checking its link over HTTP."""
from __future__ import annotations

import json
import secrets
from datetime import datetime

from contracts import learning as L
from contracts import notification as N
from contracts import topics as T
from ptfc.kit.http import HttpServer, Reply, Request
from services.learning import domain, store


async def send(ctx, person_id: str, at: datetime, *, reissue: bool = False, template: str = "invitation",
               extra: dict | None = None) -> None:
    await store.add_invitations(ctx.conn, [await issue(ctx, person_id, at, reissue=reissue, template=template,
                                                       extra=extra)])


async def issue(ctx, person_id: str, at: datetime, *, reissue: bool = False, template: str = "invitation",
                extra: dict | None = None) -> tuple[str, domain.Invitation]:
    """A fresh single-use token, emailed; the caller stores what this returns (only the token's hash)."""
    s = ctx.service.settings
    inv = domain.invitation(secrets.token_urlsafe(32), at, s.invitation_ttl_hours)
    context = {"activation_link": domain.activation_link(s.parent_hub_url, inv.token),
               "expires_at": domain.expiry_text(inv.expires_at), **(extra or {})}
    await ctx.emit(T.NOTIFICATIONS_REQUESTS, N.REQUESTED,
                   N.NotificationRequested(template=template, contact_id=person_id, context=context))
    await ctx.emit(T.LEARNING_EVENTS, L.INVITATION_SENT,
                   L.InvitationSent(person_id=person_id, expires_at=inv.expires_at, reissue=reissue))
    return person_id, inv


def add_routes(svc, http: HttpServer) -> None:
    async def verify(req: Request) -> Reply:
        """The Parent Hub checks a link: 200 valid, 410 used or expired, 404 unknown."""
        try:
            token = json.loads(req.body or b"{}")["token"]
            assert isinstance(token, str) and 0 < len(token) < 200
        except (ValueError, KeyError, AssertionError, TypeError):
            return Reply.json({"error": "body must be {\"token\": \"...\"}"}, 400)
        row = await store.invitation_by_hash(svc.pool, domain.token_hash(token))
        if row is None or row["status"] != "active":
            return Reply.json({"valid": False, "state": "unknown"}, 404)
        state = domain.invitation_state(row["used_at"], row["expires_at"], svc.clock.now())
        if state != "valid":
            return Reply.json({"valid": False, "state": state}, 410)
        return Reply.json({"valid": True, "state": state, "person_id": row["person_id"]})

    http.add("POST", "/invitations/verify", verify)
