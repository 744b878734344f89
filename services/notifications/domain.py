"""Notification rules: identity, retry schedule and failure classes. Pure, no I/O."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta


def notification_id(source: str, event_id: str, contact_id: str, template: str) -> str:
    """Stable per (event, recipient, template): the key of 'exactly one email' and its Message-ID."""
    return hashlib.sha256(f"{source}|{event_id}|{contact_id}|{template}".encode()).hexdigest()[:32]


def message_id(notification_id: str) -> str:
    return f"<{notification_id}@notifications.ptfc>"


@dataclass(frozen=True)
class Outcome:
    """What to do after one try: 'sent', 'retry' (at `retry_at`) or 'failed' (published, final)."""

    status: str
    reason: str = ""
    retry_at: datetime | None = None
    permanent: bool = False


def bad_address(reason: str) -> Outcome:
    """An address that is not valid never will be: failed at once, permanently, never retried."""
    return Outcome("failed", f"bad address: {reason}", permanent=True)


def after_failure(code: int | None, reason: str, attempts: int, max_attempts: int, now: datetime,
                  base_seconds: float, cap_seconds: float = 600.0) -> Outcome:
    """An SMTP 5xx is permanent; anything else is retried with backoff, a bounded number of times."""
    if code is not None and 500 <= code < 600:
        return Outcome("failed", reason, permanent=True)
    if attempts >= max_attempts:
        return Outcome("failed", f"gave up after {attempts} tries: {reason}", permanent=False)
    delay = min(cap_seconds, base_seconds * 2 ** (attempts - 1))
    return Outcome("retry", reason, retry_at=now + timedelta(seconds=delay))
