"""What a parent is told about a session: readable UK times and an iCalendar (RFC 5545) invitation."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from services.workshops.domain import UK

PRODID = "-//Planning Together for Children//Workshops//EN"
NOT_IN_URI = re.compile(r"[\x00-\x20\x7f]")
TITLE = "Planning Together for Children workshop"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # keeps \n and \r, escaped below


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
        lines.append(f"{a:%A} {a.day} {a:%B %Y}, {a:%H:%M} to {b:%H:%M} (UK time)")
    return lines


def context(details: SessionDetails) -> dict:
    """The session part of an email's context (every key always present: templates are strict)."""
    return {"session_id": details.session_id, "mode": details.mode, "when": when(details),
            "join_url": details.join_url, "venue": details.venue}


def _text(value: str) -> str:
    value = CONTROL.sub(" ", value).replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after one space (RFC 5545 3.1)."""
    out, chunk = [], b""
    for ch in line:
        enc = ch.encode()
        if len(chunk) + len(enc) > (75 if not out else 74):
            out.append(chunk.decode())
            chunk = b""
        chunk += enc
    out.append(chunk.decode())
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def ics(details: SessionDetails, stamp: datetime, *, cancelled: bool = False) -> str:
    """One VEVENT per part. UIDs are stable per session part, so a cancellation replaces the invite."""
    where = details.venue if details.mode == "in_person" else f"Online: {details.join_url}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    total = len(details.parts)
    for n, (start, minutes) in enumerate(details.parts, 1):
        summary = TITLE + (f" (part {n} of {total})" if total > 1 else "")
        lines += ["BEGIN:VEVENT", f"UID:{_text(details.session_id)}-{n}@workshops.ptfc",
                  f"DTSTAMP:{_utc(stamp)}", f"DTSTART:{_utc(start)}",
                  f"DTEND:{_utc(start + timedelta(minutes=minutes))}",
                  f"SEQUENCE:{1 if cancelled else 0}",
                  f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
                  f"SUMMARY:{_text(('Cancelled: ' if cancelled else '') + summary)}",
                  f"LOCATION:{_text(where or '')}"]
        if details.mode == "online" and details.join_url:
            lines.append("URL:" + NOT_IN_URI.sub("", details.join_url))  # a URI: not TEXT-escaped
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def attachment(details: SessionDetails, stamp: datetime, *, cancelled: bool = False) -> dict[str, str]:
    return {"filename": "session.ics", "content_type": "text/calendar",
            "content": ics(details, stamp, cancelled=cancelled)}
