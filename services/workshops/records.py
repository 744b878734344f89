"""What the workshops service's stores return: small typed records, never driver rows. Pure.

Named as the tables are; allocation.Parent and allocation.Session are the allocation rule's own
narrower views (the store converts), so read these as `records.Parent` and `records.Session`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Parent:
    """This lot's parent, from their latest accepted referral to it."""

    person_id: str
    referral_id: str
    case_number: str
    co_parent_person_ids: list[str]
    in_person: bool
    status: str  # active | withdrawn
    accepted_at: datetime


@dataclass(frozen=True)
class Session:
    session_id: str
    mode: str  # online | in_person
    parts: list[dict[str, Any]]  # [{"starts_at": ISO 8601, "minutes": n}], in order
    starts_at: datetime
    ends_at: datetime
    capacity: int
    join_url: str | None
    venue: str | None
    trainer_id: str
    fingerprint: str
    status: str  # scheduled | cancelled
    attendance_recorded_at: datetime | None


@dataclass(frozen=True)
class Booking:
    """A booking, with what its session's emails need and the parent's e-learning state."""

    booking_id: int
    session_id: str
    person_id: str
    referral_id: str
    case_number: str
    status: str  # booked | released | attended | absent
    release_reason: str | None
    closed_at: datetime | None
    starts_at: datetime
    mode: str
    parts: list[dict[str, Any]]
    join_url: str | None
    venue: str | None
    elearning_completed_at: datetime | None


@dataclass(frozen=True)
class FollowUp:
    """A follow-up call a trainer owes a parent after a workshop."""

    person_id: str
    session_id: str
    case_number: str
    trainer_id: str
    due_at: datetime
    outcome: str | None
    recorded_at: datetime | None
    overdue_at: datetime | None
