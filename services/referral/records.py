"""What the referral service's stores return: small typed records, never driver rows. Pure."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Referral:
    """One referral as stored (accepted or rejected), with what its outcomes need."""

    referral_id: str
    case_number: str
    person_id: str
    programme: str  # ptfc | cppp
    lot: str | None  # None when rejected
    status: str  # active | rejected | withdrawn | completed | not_completed
    received_at: datetime
    referred_on: date | None  # day 0; None when rejected
    has_court_email: bool
    elearning_completed_on: date | None = None
    workshop_attended_on: date | None = None
    concern_raised_at: datetime | None = None
    co_parent_person_ids: tuple[str, ...] | list[str] = ()
    cppp_proceedings: str | None = None
    cppp_started_on: date | None = None

