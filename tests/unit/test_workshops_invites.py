"""The calendar invitation carries partner-controlled text (venue, join URL): whatever it holds,
the file parses back to one calendar with one event per session part and the text intact."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from icalendar import Calendar

from services.workshops.domain import invites

UTC = timezone.utc
PARTS = ((datetime(2026, 12, 1, 18, tzinfo=UTC), 75), (datetime(2026, 12, 8, 18, tzinfo=UTC), 75))
HOSTILE = ("Hall 2, Civic Centre; Leeds\r\nEND:VEVENT\r\nEND:VCALENDAR\r\nBEGIN:VEVENT\nUID:evil\r"
           "LOCATION:elsewhere,; \\; \\, ;;,, Zoë's \"Room\" \u202eرمز" + " long" * 40)


def parsed(text: str) -> list[Calendar]:
    return Calendar.from_ical(text, multiple=True)


def lines_of(text: str) -> list[str]:
    return text.removesuffix("\r\n").split("\r\n")


@pytest.mark.parametrize("parts", [PARTS[:1], PARTS])
def test_a_hostile_venue_stays_inside_its_location(parts):
    details = invites.SessionDetails("S-9", "in_person", parts, venue=HOSTILE)
    text = invites.ics(details, datetime(2026, 11, 23, 12, tzinfo=UTC))
    [cal] = parsed(text)
    events = cal.walk("VEVENT")
    assert len(events) == len(parts)
    # RFC 5545 TEXT has one escape for a line break (\n): CR LF and a lone CR come back as LF.
    original = HOSTILE.replace("\r\n", "\n").replace("\r", "\n")
    assert [str(e["LOCATION"]) for e in events] == [original] * len(parts)
    assert [str(e["UID"]) for e in events] == [f"S-9-{n}@workshops.ptfc" for n in range(1, len(parts) + 1)]
    assert [e.decoded("DTSTART") for e in events] == [start for start, _ in parts]
    assert str(cal["METHOD"]) == "PUBLISH"
    assert all(len(line.encode()) <= 75 for line in lines_of(text))
    structure = [line for line in lines_of(text) if line.startswith(("BEGIN:", "END:"))]
    assert structure == ["BEGIN:VCALENDAR", *["BEGIN:VEVENT", "END:VEVENT"] * len(parts), "END:VCALENDAR"]


def test_a_hostile_join_url_stays_inside_location_and_url():
    url = "https://meet.example/j?a=1,b;c\r\nEND:VEVENT\r\nBEGIN:VEVENT"
    details = invites.SessionDetails("S-8", "online", PARTS[:1], join_url=url)
    text = invites.ics(details, datetime(2026, 11, 23, 12, tzinfo=UTC), cancelled=True)
    [cal] = parsed(text)
    [event] = cal.walk("VEVENT")
    assert str(event["LOCATION"]) == "Online: " + url.replace("\r\n", "\n")
    assert str(event["URL"]) == "https://meet.example/j?a=1,b;cEND:VEVENTBEGIN:VEVENT"  # no space or CR/LF in a URI
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)
    assert str(event["SUMMARY"]) == "Cancelled: Planning Together for Children workshop"
