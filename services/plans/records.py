"""What the plans service's stores return: small typed records, never driver rows. Pure.

`records.Parent` is the stored row; `agreement.Parent` (domain/agreement.py) is the negotiation rules'
narrower view of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Parent:
    """A referred parent, from their newest accepted referral."""

    person_id: str
    case_number: str
    referral_id: str
    plan_suitable: bool
    active: bool  # False once that referral is withdrawn
    accepted_at: datetime
    programme: str
    route: str | None


@dataclass(frozen=True)
class Plan:
    case_number: str
    status: str  # open | completed | finished | closed
    opened_by: str
    opened_at: datetime
    completed_at: datetime | None
    closed_at: datetime | None
    finished_at: datetime | None
    finished_by: str | None


@dataclass(frozen=True)
class ServedLink:
    """A download link with what serving its document needs: its plan's state and programme."""

    link_id: str
    secret_hash: bytes
    case_number: str
    audience: str  # parent | mediator | fca | court
    person_id: str
    expires_at: datetime
    revoked_at: datetime | None
    status: str  # the plan's
    opened_by: str
    finished_at: datetime | None
    programme: str


@dataclass(frozen=True)
class ListedLink:
    """A link as operators see it: never its secret."""

    link_id: str
    audience: str
    person_id: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_because: str | None
    downloads: int
    last_downloaded_at: datetime | None
