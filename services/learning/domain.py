"""Learning rules: pure decisions, no I/O."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote


@dataclass(frozen=True)
class Invitation:
    token: str
    token_hash: bytes
    sent_at: datetime
    expires_at: datetime


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def invitation(token: str, sent_at: datetime, ttl_hours: int) -> Invitation:
    """The link expires `ttl_hours` after it is sent (programme time, so replays agree)."""
    return Invitation(token, token_hash(token), sent_at, sent_at + timedelta(hours=ttl_hours))


def activation_link(parent_hub_url: str, token: str) -> str:
    return f"{parent_hub_url.rstrip('/')}/activate?token={quote(token)}"


def invitation_state(used_at: datetime | None, expires_at: datetime, now: datetime) -> str:
    """'valid', 'used' or 'expired': what the Parent Hub gets when it checks a link."""
    if used_at is not None:
        return "used"
    if now >= expires_at:
        return "expired"
    return "valid"
