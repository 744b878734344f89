"""What a parent is told about a session: readable UK times and an iCalendar (RFC 5545) invitation,
written by the icalendar library (escaping, folding, UTC date-times)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event

from ptfc.kit.calendar import UK, long_day

PRODID = "-//Planning Together for Children//Workshops//EN"
NOT_IN_URI = re.compile(r"[\x00-\x20\x7f]")
TITLE = "Planning Together for Children workshop"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # keeps tab, \n and \r (escaped by icalendar)


@dataclass(frozen=True)
class SessionDetails:
    session_id: str
    mode: str
    parts: tuple[tuple[datetime, int], ...]  # (starts_at, minutes), in order
    join_url: str | None = None
    venue: str | None = None

    @property
    def starts_at(self) -> datetime:
        return self.parts[0][0]


def when(details: SessionDetails) -> list[str]:
    """One line per part, in UK time, e.g. 'Tuesday 1 December 2026, 18:00 to 19:15 (UK time)'."""
    lines = []
    for start, minutes in details.parts:
        a, b = start.astimezone(UK), (start + timedelta(minutes=minutes)).astimezone(UK)
        lines.append(f"{long_day(a.date())}, {a:%H:%M} to {b:%H:%M} (UK time)")  # the one date format
    return lines


def context(details: SessionDetails) -> dict:
    """The session part of an email's context (every key always present: templates are strict)."""
    return {"session_id": details.session_id, "mode": details.mode, "when": when(details),
            "join_url": details.join_url, "venue": details.venue}


def _plain(value: str) -> str:
    """RFC 5545 TEXT has no form for control characters other than line breaks and tab: those
    become spaces. Everything else (line breaks, commas, semicolons, backslashes) is escaped by
    icalendar, so partner text can never end a property or an event."""
    return CONTROL.sub(" ", value)


def ics(details: SessionDetails, stamp: datetime, *, cancelled: bool = False) -> str:
    """One VEVENT per part. UIDs are stable per session part, so a cancellation replaces the invite."""
    where = details.venue if details.mode == "in_person" else f"Online: {details.join_url}"
    cal = Calendar()
    for name, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                        ("method", "PUBLISH")):
        cal.add(name, value)
    total = len(details.parts)
    for n, (start, minutes) in enumerate(details.parts, 1):
        summary = TITLE + (f" (part {n} of {total})" if total > 1 else "")
        event = Event()
        event.add("uid", f"{_plain(details.session_id)}-{n}@workshops.ptfc")
        event.add("dtstamp", stamp.astimezone(timezone.utc))
        event.add("dtstart", start.astimezone(timezone.utc))
        event.add("dtend", (start + timedelta(minutes=minutes)).astimezone(timezone.utc))
        event.add("sequence", 1 if cancelled else 0)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("summary", ("Cancelled: " if cancelled else "") + summary)
        event.add("location", _plain(where or ""))
        if details.mode == "online" and details.join_url:
            event.add("url", NOT_IN_URI.sub("", details.join_url))  # a URI may hold no space or CR/LF
        cal.add_component(event)
    return cal.to_ical().decode()


def attachment(details: SessionDetails, stamp: datetime, *, cancelled: bool = False) -> dict[str, str]:
    return {"filename": "session.ics", "content_type": "text/calendar",
            "content": ics(details, stamp, cancelled=cancelled)}
