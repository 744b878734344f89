"""Workshop types: one delivery partner per lot writes these to `ptfc.partner.workshops.<lot>`."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from contracts.envelope import WireModel
from contracts.text import Email, HttpUrl, Id, Moment, Name, Text500

SESSION_SCHEDULED = "ptfc.workshop.session-scheduled.v1"
SESSION_CANCELLED = "ptfc.workshop.session-cancelled.v1"
BOOKING_REQUESTED = "ptfc.workshop.booking-requested.v1"
BOOKING_CANCELLED = "ptfc.workshop.booking-cancelled.v1"
ATTENDANCE_RECORDED = "ptfc.workshop.attendance-recorded.v1"
FOLLOW_UP_RECORDED = "ptfc.workshop.follow-up-recorded.v1"
SAFEGUARDING_CONCERN_RAISED = "ptfc.workshop.safeguarding-concern-raised.v1"


class SessionPart(WireModel):
    starts_at: Moment
    minutes: int = Field(gt=0, le=300)


class Trainer(WireModel):
    trainer_id: Id
    name: Name
    email: Email


class SessionScheduled(WireModel):
    session_id: Id
    parts: list[SessionPart] = Field(min_length=1, max_length=2)
    mode: Literal["online", "in_person"]
    join_url: HttpUrl | None = None
    venue: Text500 | None = None
    trainer: Trainer
    capacity: int = Field(default=6, ge=1, le=6)


class SessionCancelled(WireModel):
    session_id: Id
    reason: Text500


class BookingRequested(WireModel):
    person_id: Id
    session_id: Id | None = None


class BookingCancelled(WireModel):
    person_id: Id
    session_id: Id


class AttendanceEntry(WireModel):
    person_id: Id
    attended: bool
    follow_up: bool = False


class AttendanceRecorded(WireModel):
    session_id: Id
    attendance: list[AttendanceEntry] = Field(max_length=50)


class FollowUpRecorded(WireModel):
    person_id: Id
    outcome: Literal["spoke", "unreachable", "declined"]


class SafeguardingConcernRaised(WireModel):
    person_id: Id
    trainer_id: Id
    session_id: Id | None = None


# Outbound facts of the workshops service (on `ptfc.workshops.events`), read by referral and
# learning. Pinned here because other services depend on them; the workshops service may add more.
PARENT_ATTENDED = "ptfc.workshops.parent-attended.v1"
SAFEGUARDING_CONCERN_RECORDED = "ptfc.workshops.safeguarding-concern-recorded.v1"


class ParentAttended(WireModel):
    """A parent took part in a whole workshop (attendance was recorded as attended)."""

    person_id: str
    session_id: str
    lot: str
    attended_on: date
    recorded_at: AwareDatetime
    follow_up: bool = False
    # Added in v1 (additive): the certificate counts its 24 hours from here, not from the record.
    ended_at: AwareDatetime | None = Field(default=None, description="When the workshop's last part ended.")


class SafeguardingConcernRecorded(WireModel):
    """No detail and no trainer identity beyond the id: the FCA is told, the plan closes."""

    person_id: str
    lot: str
    session_id: str | None = None


# More outbound facts of the workshops service (on `ptfc.workshops.events`). None carries a name,
# an email, a phone number, a venue or a join link: every service and partner may read them.
BOOKING_CONFIRMED = "ptfc.workshops.booking-confirmed.v1"
BOOKING_REFUSED = "ptfc.workshops.booking-refused.v1"
BOOKING_RELEASED = "ptfc.workshops.booking-released.v1"
PARENT_ABSENT = "ptfc.workshops.parent-absent.v1"
ATTENDANCE_REFUSED = "ptfc.workshops.attendance-refused.v1"
FOLLOW_UP_DUE = "ptfc.workshops.follow-up-due.v1"
FOLLOW_UP_OVERDUE = "ptfc.workshops.follow-up-overdue.v1"
FOLLOW_UP_OUTCOME_RECORDED = "ptfc.workshops.follow-up-recorded.v1"


class BookingConfirmed(WireModel):
    person_id: str
    session_id: str
    lot: str
    starts_at: AwareDatetime
    mode: Literal["online", "in_person"]
    elearning_complete: bool = Field(description="False: the parent must finish it before the start.")


class BookingRefused(WireModel):
    """Why the parent could not be placed, and the earliest session that fits, if any."""

    person_id: str
    lot: str
    reason: str = Field(description="session_full | co_parent_booked | in_person_needed | "
                                    "session_started | session_cancelled | session_not_found | "
                                    "already_booked | already_attended | no_session_fits | "
                                    "other_lot (v1.1: the parent's referral is with another lot; "
                                    "its partner books them)")
    requested_session_id: str | None = None
    offered_session_id: str | None = None
    offered_starts_at: AwareDatetime | None = None


class BookingReleased(WireModel):
    """The parent no longer holds a place in the session (and, except on withdrawal, may rebook)."""

    person_id: str
    session_id: str
    lot: str
    reason: str = Field(description="session_cancelled | elearning_incomplete | booking_cancelled | "
                                    "referral_withdrawn")


class ParentAbsent(WireModel):
    person_id: str
    session_id: str
    lot: str
    recorded_at: AwareDatetime


class AttendanceRefused(WireModel):
    """One entry of an attendance record refused; the rest of the record was applied."""

    person_id: str
    session_id: str
    lot: str
    reason: str = Field(description="elearning_incomplete | not_booked")


class FollowUpDue(WireModel):
    person_id: str
    session_id: str
    lot: str
    trainer_id: str
    due_at: AwareDatetime


class FollowUpOverdue(WireModel):
    person_id: str
    session_id: str
    lot: str
    trainer_id: str
    due_at: AwareDatetime


class FollowUpRecordedFact(WireModel):
    person_id: str
    session_id: str
    lot: str
    outcome: Literal["spoke", "unreachable", "declined"]
    recorded_at: AwareDatetime
    late: bool = Field(description="Recorded after the call was due.")
