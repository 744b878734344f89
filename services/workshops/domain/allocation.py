"""Who may be placed in which session: the allocation rules, pure (no I/O, no clock).

Every rule is judged at the booking request's own `time` (`at`), never the wall clock, so a
replay of the same requests in the same order places the same parents in the same sessions.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Iterable, Sequence

# Why a session cannot take a parent, in the order they are checked (the first one is reported).
CANCELLED = "session_cancelled"
STARTED = "session_started"
IN_PERSON_NEEDED = "in_person_needed"
FULL = "session_full"
CO_PARENT = "co_parent_booked"
NOT_FOUND = "session_not_found"
ALREADY_BOOKED = "already_booked"
ALREADY_ATTENDED = "already_attended"
NOTHING_FITS = "no_session_fits"


@dataclass(frozen=True)
class Parent:
    person_id: str
    case_number: str
    in_person: bool = False
    co_parents: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Session:
    session_id: str
    starts_at: datetime  # the first part's start: from then on nobody can join
    mode: str  # "online" | "in_person"
    capacity: int
    cancelled: bool = False
    booked: tuple[Parent, ...] = field(default=())


@dataclass(frozen=True)
class Placed:
    session_id: str


@dataclass(frozen=True)
class Refused:
    reason: str
    offered: Session | None = None  # the earliest session that fits, if any


def are_co_parents(a: Parent, b: Parent) -> bool:
    """Same case, or either names the other: Cafcass may list co-parents under their own cases."""
    if a.person_id == b.person_id:
        return False
    return a.case_number == b.case_number or b.person_id in a.co_parents or a.person_id in b.co_parents


def why_not(session: Session, parent: Parent, at: datetime) -> str | None:
    """The first reason `session` cannot take `parent` at `at`; None when it can."""
    if session.cancelled:
        return CANCELLED
    if session.starts_at <= at:
        return STARTED
    if parent.in_person and session.mode != "in_person":
        return IN_PERSON_NEEDED
    if any(b.person_id == parent.person_id for b in session.booked):
        return ALREADY_BOOKED
    if len(session.booked) >= session.capacity:
        return FULL
    if any(are_co_parents(parent, b) for b in session.booked):
        return CO_PARENT
    return None


def earliest_fitting(sessions: Iterable[Session], parent: Parent, at: datetime) -> Session | None:
    fitting = [s for s in sessions if why_not(s, parent, at) is None]
    # session_id breaks ties so two sessions starting together are always chosen the same way.
    return min(fitting, key=lambda s: (s.starts_at, s.session_id), default=None)


def place(parent: Parent, sessions: Sequence[Session], at: datetime, requested: str | None, *,
          holds: str | None = None, attended: bool = False) -> Placed | Refused:
    """Decide one booking request. `holds`: the session the parent is booked in now, if any."""
    if attended:
        return Refused(ALREADY_ATTENDED)
    if holds is not None:
        return Refused(ALREADY_BOOKED)
    if requested is None:
        best = earliest_fitting(sessions, parent, at)
        return Placed(best.session_id) if best else Refused(NOTHING_FITS)
    named = next((s for s in sessions if s.session_id == requested), None)
    reason = NOT_FOUND if named is None else why_not(named, parent, at)
    if reason is None:
        return Placed(requested)
    return Refused(reason, earliest_fitting(sessions, parent, at))


def with_booking(sessions: Sequence[Session], session_id: str, parent: Parent) -> list[Session]:
    """The sessions after `parent` took a place in `session_id` (for callers that decide in turn)."""
    return [replace(s, booked=s.booked + (parent,)) if s.session_id == session_id else s
            for s in sessions]
