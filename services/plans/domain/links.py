"""Download links to a plan's documents: the rules, pure (no I/O).

A link is `<link_id>.<secret>`. The id is not secret: it names the link in the operator's list
and in logs, and finds its row. The secret is 256 random bits, kept only as its SHA-256 and
compared in constant time, so neither the table, a backup of it nor a response time gives a
working link away. A link may be used until it expires or is revoked, as often as needed.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

PARENT = "parent"
PROFESSIONALS = ("mediator", "fca", "court")  # whom a parent can share the plan with by email
PLAN, CHILD = "plan", "child-friendly"
FILES = {PLAN: "plan.pdf", CHILD: "child-friendly.pdf"}
# token_hex ids and token_urlsafe secrets: the '.' between them is in neither alphabet.
_TOKEN = re.compile(r"^(L[0-9a-f]{16})\.([A-Za-z0-9_-]{43})$")
_NO_SECRET = hashlib.sha256(b"").digest()


@dataclass(frozen=True)
class Link:
    link_id: str
    secret: str
    issued_at: datetime
    expires_at: datetime

    @property
    def token(self) -> str:
        return f"{self.link_id}.{self.secret}"

    @property
    def secret_hash(self) -> bytes:
        return digest(self.secret)


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def new_link(issued_at: datetime, ttl_days: int) -> Link:
    return Link("L" + secrets.token_hex(8), secrets.token_urlsafe(32), issued_at,
                issued_at + timedelta(days=ttl_days))


def split(token: str) -> tuple[str, str] | None:
    """(link_id, secret), or None for anything that cannot be a link of ours."""
    found = _TOKEN.match(token)
    return (found.group(1), found.group(2)) if found else None


def secret_matches(secret: str, stored_hash: bytes | None) -> bool:
    """Constant time. An unknown link is compared with a hash nothing matches, so it takes as long
    as a known one with the wrong secret: the time does not say which ids exist."""
    return hmac.compare_digest(digest(secret), stored_hash or _NO_SECRET) and stored_hash is not None


def state(revoked_at: datetime | None, expires_at: datetime, now: datetime) -> str:
    """valid | revoked | expired (revoked first: that is the more useful answer to give)."""
    if revoked_at is not None:
        return "revoked"
    return "expired" if now >= expires_at else "valid"


def may_fetch(audience: str, document: str) -> bool:
    """Parents get both versions; whoever a parent shared the plan with gets the plan itself. The
    child-friendly version is the parent's to give to their children (children are never emailed)."""
    return document == PLAN or audience == PARENT


def url(base: str, token: str, document: str) -> str:
    return f"{base.rstrip('/')}/plans/links/{quote(token)}/{FILES[document]}"
