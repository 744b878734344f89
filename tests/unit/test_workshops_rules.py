"""Session shape, the e-learning rule at attendance, calendar invitations and the workshop emails."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from contracts.workshop import AttendanceEntry, SessionScheduled
from services.notifications.domain.delivery import course_words
from services.notifications.domain.render import Renderer
from services.workshops.domain import invites, workshop
from services.workshops.domain.workshop import Seat
from services.workshops.records import Booking

UTC = timezone.utc
TRAINER = {"trainer_id": "T1", "name": "Sam Trainer", "email": "sam@partner.example"}
WORDS = course_words("ptfc", "court_order")  # what the renderer adds to every email's context
COURSE = {"programme": WORDS.name, "team": WORDS.team, "why": WORDS.why, "footer": WORDS.footer}


def session(parts, mode="online", **kw) -> SessionScheduled:
    return SessionScheduled.model_validate({"session_id": "S1", "parts": parts, "mode": mode,
                                            "trainer": TRAINER, **kw})


@pytest.mark.parametrize("parts,mode,extra,problem", [
    ([("2026-12-01T10:00:00+00:00", 150)], "online", {"join_url": "https://x.example/j"}, None),
    ([("2026-12-01T10:00:00+00:00", 120)], "online", {"join_url": "https://x.example/j"}, "150 minutes"),
    ([("2026-12-01T18:00:00+00:00", 75), ("2026-12-02T18:00:00+00:00", 75)], "in_person", {"venue": "Hall"}, None),
    ([("2026-12-01T18:00:00+00:00", 75), ("2026-12-02T18:00:00+00:00", 60)], "in_person", {"venue": "Hall"}, "add up"),
    ([("2026-12-01T13:00:00+00:00", 75), ("2026-12-02T18:00:00+00:00", 75)], "in_person", {"venue": "Hall"}, "evening"),
    ([("2026-12-01T17:00:00+00:00", 75), ("2026-12-01T19:00:00+00:00", 75)], "in_person", {"venue": "Hall"}, "different"),
    # Evenings are UK time: 16:30 UTC is 17:30 in July (an evening) but 16:30 in December (not one).
    ([("2026-07-01T16:30:00+00:00", 75), ("2026-07-02T16:30:00+00:00", 75)], "online", {"join_url": "https://x.example/u"}, None),
    ([("2026-12-01T16:30:00+00:00", 75), ("2026-12-02T16:30:00+00:00", 75)], "online", {"join_url": "https://x.example/u"}, "evening"),
    ([("2026-12-01T21:00:00+00:00", 75), ("2026-12-02T18:00:00+00:00", 75)], "online", {"join_url": "https://x.example/u"}, "evening"),
    ([("2026-12-01T10:00:00+00:00", 150)], "online", {}, "join_url"),
    ([("2026-12-01T10:00:00+00:00", 150)], "in_person", {}, "venue"),
])
def test_session_shape(parts, mode, extra, problem):
    s = session([{"starts_at": a, "minutes": m} for a, m in parts], mode, **extra)
    found = workshop.session_problem(s)
    assert (found is None) if problem is None else (problem in found)


def test_attendance_verdicts_apply_the_elearning_rule_per_parent():
    start = datetime(2026, 12, 1, 10, tzinfo=UTC)
    seats = {
        "done": Seat("done", 1, "C1", "booked", None, start - timedelta(days=1)),
        "late": Seat("late", 2, "C2", "booked", None, start + timedelta(minutes=5)),
        "gone": Seat("gone", 3, "C3", "released", "elearning_incomplete", None),
        "away": Seat("away", 4, "C4", "booked", None, None),
        "seen": Seat("seen", 5, "C5", "attended", None, start),
    }
    entries = [AttendanceEntry(person_id=p, attended=a, follow_up=f) for p, a, f in [
        ("done", True, True), ("late", True, False), ("gone", True, False), ("away", False, False),
        ("seen", True, False), ("stranger", True, False), ("done", False, False)]]
    got = {(v.person_id, v.outcome, v.reason, v.follow_up, v.release)
           for v in workshop.judge_record(entries, seats, start)}
    assert got == {("done", "attended", None, True, False),
                   ("late", "refused", "elearning_incomplete", False, True),
                   ("gone", "refused", "elearning_incomplete", False, False),
                   ("away", "absent", None, False, False),
                   ("stranger", "refused", "not_booked", False, False)}


def test_follow_up_is_due_42_days_after_the_workshop_ends_and_attended_on_is_a_uk_day():
    ends = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
    assert workshop.attended_on(ends).isoformat() == "2026-07-01"
    assert workshop.follow_up_due(ends, 42) == ends + timedelta(days=42)


DETAILS = invites.SessionDetails("S-1", "in_person", (
    (datetime(2026, 12, 1, 18, tzinfo=UTC), 75), (datetime(2026, 12, 8, 18, tzinfo=UTC), 75)),
    venue="Room 2, Civic Centre; Leeds\r\nLS1 " + "x" * 80)


def test_calendar_invitation_is_valid_icalendar():
    text = invites.ics(DETAILS, datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20261201T180000Z" in unfolded and "DTEND:20261208T191500Z" in unfolded
    assert "LOCATION:Room 2\\, Civic Centre\\; Leeds\\nLS1 " in unfolded
    assert "UID:S-1-2@workshops.ptfc" in unfolded
    cancelled = invites.ics(DETAILS, datetime(2026, 11, 23, tzinfo=UTC), cancelled=True).replace("\r\n ", "")
    assert "STATUS:CANCELLED" in cancelled and "SEQUENCE:1" in cancelled


def test_every_workshop_email_renders_with_what_the_service_sends():
    r = Renderer()
    common = {**invites.context(DETAILS), "parent_hub_url": "https://hub.example/"}
    offer = {"session_id": "S-2", "mode": "online", "when": "Tuesday 1 December 2026"}
    cases = [
        ("workshop_booking_confirmed", {**common, "elearning_complete": False}, "finish the online course"),
        ("workshop_booking_refused", {"reason": "co_parent_booked", "requested_session_id": "S-1", "offer": offer},
         "cannot take you"),
        ("workshop_booking_refused", {"reason": "session_full", "requested_session_id": None, "offer": None},
         "is full"),
        ("workshop_rebook", {**common, "reason": "session_cancelled", "offer": offer}, "cancelled"),
        ("workshop_rebook", {**common, "reason": "absent", "offer": None}, "did not take part"),
        ("workshop_elearning_reminder", common, "not finished"),
        ("workshop_follow_up_reminder", {"person_id": "P1", "case_number": "C1", "session_id": "S-1",
                                         "due_on": "Monday 11 January 2027"}, "11 January 2027"),
    ]
    for template, context, phrase in cases:
        # The notifications service's own Jinja2 environment (strict, HTML autoescaped) renders these.
        vars_ = {**context, "recipient_name": "Alex <b>", **COURSE}
        text, html, subject = (r.env.get_template(f"{template}.{part}.j2").render(vars_)
                               for part in ("txt", "html", "subject"))
        assert phrase in text.replace("\n", " "), (template, text)
        assert "Alex &lt;b&gt;" in html and "<b>" not in html
        assert subject.strip() and "\n" not in subject.strip()
    confirmed = r.env.get_template("workshop_booking_confirmed.html.j2").render(
        {**common, "mode": "online", "join_url": "https://x.example/?a=1&b=<2>", "elearning_complete": True,
         "recipient_name": "Alex", **COURSE})
    assert "a=1&amp;b=&lt;2&gt;" in confirmed and "finish the online course" not in confirmed


def test_reminder_lead_times_come_from_the_settings_numbers():
    from datetime import datetime, timezone
    from services.workshops.domain import workshop
    start = datetime(2026, 12, 10, 10, 0, tzinfo=timezone.utc)
    early = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert workshop.elearning_reminder_at(start, 48, early) == datetime(2026, 12, 8, 10, 0, tzinfo=timezone.utc)
    assert workshop.elearning_reminder_at(start, 24, early) == datetime(2026, 12, 9, 10, 0, tzinfo=timezone.utc)
    # Booked inside the lead time: no separate reminder, the confirmation is it.
    assert workshop.elearning_reminder_at(start, 48, datetime(2026, 12, 9, tzinfo=timezone.utc)) is None
    assert workshop.follow_up_reminder_at(start, 7) == datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)


def test_a_follow_up_call_recorded_after_it_was_due_is_late():
    due = datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)
    assert workshop.follow_up_late(due + timedelta(seconds=1), due) is True
    assert workshop.follow_up_late(due, due) is False


def test_a_parents_seat_is_the_live_booking_else_the_latest():
    def b(booking_id, person, status):
        return Booking(booking_id=booking_id, session_id="S", person_id=person, referral_id="R", case_number="C",
                       status=status, release_reason=None, closed_at=None,
                       starts_at=datetime(2026, 12, 4, 9, tzinfo=UTC), mode="online",
                       parts=[], join_url=None, venue=None, elearning_completed_at=None)
    seats = workshop.seats([b(1, "p", "booked"), b(2, "p", "released"), b(3, "q", "released"), b(4, "q", "absent")])
    assert (seats["p"].booking_id, seats["q"].booking_id) == (1, 4)


def test_attendance_and_cancellation_refusals():
    start = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
    assert workshop.attendance_refusal("scheduled", start, start + timedelta(hours=3)) is None
    assert workshop.attendance_refusal("cancelled", start, start + timedelta(hours=3)) == "the session was cancelled"
    assert "before the session started" in workshop.attendance_refusal("scheduled", start, start - timedelta(minutes=1))
    assert workshop.cancellation_refusal(None) is None
    assert workshop.cancellation_refusal(start) == "attendance was already recorded for this session"
