"""Workshop rules besides allocation: session shape, the e-learning rule, attendance, follow-ups.

Pure decisions, no I/O. Times are the events' own (or a timer's due time), so replays agree.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from contracts.workshop import AttendanceEntry, SessionScheduled
from ptfc.kit.calendar import UK
from services.workshops.records import Booking

WORKSHOP_MINUTES = 150
EVENING_FROM, EVENING_UNTIL = time(17, 0), time(22, 0)


def session_problem(s: SessionScheduled) -> str | None:
    """Why a scheduled session breaks the contract's shape, or None (a wrong value: dead letter)."""
    parts = sorted(s.parts, key=lambda p: p.starts_at)
    if len(parts) == 1 and parts[0].minutes != WORKSHOP_MINUTES:
        return f"a one-part session lasts {WORKSHOP_MINUTES} minutes"
    if len(parts) == 2:
        if sum(p.minutes for p in parts) != WORKSHOP_MINUTES:
            return f"two evening parts add up to {WORKSHOP_MINUTES} minutes"
        for p in parts:
            start = p.starts_at.astimezone(UK)
            end = start + timedelta(minutes=p.minutes)
            if start.time() < EVENING_FROM or end.date() != start.date() or end.time() > EVENING_UNTIL:
                return "each of two parts is held in an evening (17:00 to 22:00 UK time)"
        if parts[0].starts_at.astimezone(UK).date() == parts[1].starts_at.astimezone(UK).date():
            return "the two evening parts are on different evenings"
    if s.mode == "online" and not s.join_url:
        return "an online session needs join_url"
    if s.mode == "in_person" and not s.venue:
        return "an in-person session needs venue"
    return None


def fingerprint(s: SessionScheduled) -> str:
    """Identifies a schedule's content: a repeat is harmless, a different one under the same id is not."""
    doc = s.model_dump(mode="json", exclude={"trainer": {"name", "email"}})
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def session_span(s: SessionScheduled) -> tuple[datetime, datetime]:
    parts = sorted(s.parts, key=lambda p: p.starts_at)
    return parts[0].starts_at, parts[-1].starts_at + timedelta(minutes=parts[-1].minutes)


def elearning_done_by(completed_at: datetime | None, moment: datetime) -> bool:
    """Load-bearing for the e-learning rule: only completion by the session's start counts."""
    return completed_at is not None and completed_at <= moment


def booked_at(status: str, closed_at: datetime | None, moment: datetime) -> bool:
    """Whether a booking was live at `moment`: still booked, or closed only later (a timer that
    fires late, held by a replay, judges as of its due time, not after the attendance record)."""
    return status == "booked" or (closed_at is not None and closed_at > moment)


def open_at(recorded_at: datetime | None, moment: datetime) -> bool:
    """Whether a follow-up call was still without an outcome at `moment`."""
    return recorded_at is None or recorded_at > moment


def attended_on(ends_at: datetime) -> date:
    """The UK calendar day the workshop finished (its last part)."""
    return ends_at.astimezone(UK).date()


def follow_up_due(ends_at: datetime, due_days: int) -> datetime:
    return ends_at + timedelta(days=due_days)


def elearning_reminder_at(starts_at: datetime, lead_hours: int, booked_at: datetime) -> datetime | None:
    """When a booked parent with e-learning left is reminded: `lead_hours` before the start.
    None when booked later than that: the booking confirmation itself is the reminder."""
    remind_at = starts_at - timedelta(hours=lead_hours)
    return remind_at if booked_at < remind_at else None


def follow_up_late(recorded_at: datetime, due_at: datetime) -> bool:
    """A follow-up call recorded after it was due counts as late (in the report)."""
    return recorded_at > due_at


def follow_up_reminder_at(due_at: datetime, lead_days: int) -> datetime:
    """When the trainer is reminded of a follow-up call: `lead_days` before it is due."""
    return due_at - timedelta(days=lead_days)


@dataclass(frozen=True)
class Seat:
    """A parent's latest booking in the session whose attendance is being recorded."""

    person_id: str
    booking_id: int
    case_number: str
    status: str  # booked | released | attended | absent
    release_reason: str | None
    elearning_completed_at: datetime | None


def seats(bookings: list[Booking]) -> dict[str, Seat]:
    """Each parent's seat in one session, from its bookings in booking_id order: the live booking
    if there is one (a rebooking after a release), else the latest."""
    out: dict[str, Seat] = {}
    for b in bookings:
        if b.person_id in out and out[b.person_id].status == "booked":
            continue
        out[b.person_id] = Seat(b.person_id, b.booking_id, b.case_number, b.status,
                                   b.release_reason, b.elearning_completed_at)
    return out


def attendance_refusal(session_status: str, starts_at: datetime, recorded_at: datetime) -> str | None:
    """Why an attendance record for this session is refused, or None."""
    if session_status == "cancelled":
        return "the session was cancelled"
    if recorded_at < starts_at:
        return "attendance recorded before the session started"
    return None


def cancellation_refusal(attendance_recorded_at: datetime | None) -> str | None:
    """A session whose attendance is recorded took place: it can no longer be cancelled."""
    return None if attendance_recorded_at is None else "attendance was already recorded for this session"


@dataclass(frozen=True)
class Verdict:
    person_id: str
    outcome: str  # attended | absent | refused
    seat: Seat | None = None
    reason: str | None = None
    follow_up: bool = False
    release: bool = False  # a refused parent still holding the place loses it and is asked to rebook


def judge(entry: AttendanceEntry, seat: Seat | None, starts_at: datetime) -> Verdict | None:
    """One attendance entry; None when it changes nothing (already recorded, or already released)."""
    if seat is None:
        return Verdict(entry.person_id, "refused", reason="not_booked")
    if seat.status in ("attended", "absent"):
        return None  # a repeated record: the first one stands
    if seat.status == "released":
        if seat.release_reason == "elearning_incomplete":
            return Verdict(entry.person_id, "refused", seat, "elearning_incomplete") if entry.attended else None
        return Verdict(entry.person_id, "refused", seat, "not_booked")
    if entry.attended and not elearning_done_by(seat.elearning_completed_at, starts_at):
        return Verdict(entry.person_id, "refused", seat, "elearning_incomplete", release=True)
    if entry.attended:
        return Verdict(entry.person_id, "attended", seat, follow_up=entry.follow_up)
    return Verdict(entry.person_id, "absent", seat)


def judge_record(entries: list[AttendanceEntry], seats: dict[str, Seat], starts_at: datetime) -> list[Verdict]:
    """Every entry judged on its own: a refused one never stops the rest of the record."""
    seen: set[str] = set()
    verdicts = []
    for entry in entries:
        if entry.person_id in seen:
            continue  # one verdict per parent: the first entry counts
        seen.add(entry.person_id)
        verdict = judge(entry, seats.get(entry.person_id), starts_at)
        if verdict is not None:
            verdicts.append(verdict)
    return verdicts
