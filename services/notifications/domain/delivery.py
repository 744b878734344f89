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


def bearer_links(context: dict) -> list[str]:
    """The context keys holding a link that works for whoever holds it (`activation_link`,
    `plan_link`, `child_link`: every service names such a key `*_link`). Kept only until the
    email is sent or has failed for good: the database then holds no working link."""
    return [k for k in context if k.endswith("_link")]


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


@dataclass(frozen=True)
class CourseWords:
    """How an email names the course and why the reader is hearing of it."""

    name: str
    team: str
    why: str  # to a parent: ordered, recommended (not an order) or volunteered
    footer: str


def course_words(programme: str, route: str | None) -> CourseWords:
    """In the programme's own words: an FCA's recommendation is "not a direct order", a court order
    is one, and CPPP is voluntary. A contact recorded before routes were kept gets neutral words."""
    if programme == "cppp":
        return CourseWords("the Positive co-Parenting Programme", "The Positive co-Parenting Programme team",
                           "You volunteered to take part in this programme, as did the child's other parent.",
                           "This email is about a voluntary programme for parents in family court proceedings.")
    name, team = "Planning Together for Children", "The Planning Together for Children team"
    if route == "fca_recommendation":
        return CourseWords(name, team, "Your Family Court Adviser has recommended that you take part. It's not "
                           "a direct order, but your Family Court Adviser and the court will be told whether you "
                           "complete it.", "This email is about a course a Family Court Adviser recommended.")
    if route == "court_order":
        return CourseWords(name, team, "The family court has ordered you to take part.",
                           "This email is about a course ordered by the family court.")
    return CourseWords(name, team, "You have been referred to take part by Cafcass.",
                       "This email is about a course for parents in family court proceedings.")
