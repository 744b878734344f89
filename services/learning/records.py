"""What the learning service's stores return: small typed records, never driver rows. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Parent:
    """A referred parent's Parent Hub record: their current (latest accepted) PTfC referral."""

    person_id: str
    referral_id: str
    case_number: str
    lot: str
    programme: str
    referred_on: date  # day 0
    status: str  # active | withdrawn
    accepted_at: datetime
    activated_at: datetime | None = None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class Progress:
    """One referral's two stages, as the certificate needs them."""

    referral_id: str
    person_id: str
    elearning_completed_at: datetime | None = None
    attended_on: date | None = None
    attendance_recorded_at: datetime | None = None
    workshop_ended_at: datetime | None = None


@dataclass(frozen=True)
class InvitationCheck:
    """An activation link as the Parent Hub checks it (the token itself is never kept)."""

    person_id: str
    expires_at: datetime
    used_at: datetime | None
    status: str  # the parent's: a withdrawn parent's link is unknown


@dataclass(frozen=True)
class SatisfactionCounts:
    responses: int
    clearer: int
    child_at_centre: int
    high: int


@dataclass(frozen=True)
class Certificate:
    """An issued certificate: what its PDF prints (besides the name) and its public check reads."""

    certificate_number: str
    referral_id: str
    person_id: str
    case_number: str
    programme: str
    issued_at: datetime
    elearning_completed_on: date
    workshop_attended_on: date
