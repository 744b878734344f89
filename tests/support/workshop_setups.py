"""Set-ups the workshops scenarios share (tests/support/tiers.py drives them): accepted parents,
sessions, bookings and attendance records, sent as the lot's partner and the other services would."""
from __future__ import annotations

from datetime import timedelta

from contracts import workshop as W
from services.workshops.app import SPEC
from tests.support.builders import uid
from tests.support.tiers import Subject
from tests.support.workshops import T0, Partner

DAY = timedelta(days=1)
SOON, IN_PERSON, LATER = T0 + 3 * DAY, T0 + 5 * DAY + timedelta(hours=9), T0 + 10 * DAY
START = SOON  # Friday 4 December 2026, 09:00 UTC, one 150-minute part
DUE = START + timedelta(minutes=150) + 42 * DAY  # follow-up calls: 42 days after the workshop ends
RECORDED = START + timedelta(hours=3)
NORTH = Subject(SPEC, at=T0, overrides={"lot": "lot-north"})  # the north lot's instance, clock at T0


async def parents(lot: Partner, n: int, **kw) -> list[tuple[str, str]]:
    """`n` accepted parents of this lot, each with a case of their own."""
    out = [(uid("P"), uid("C")) for _ in range(n)]
    for person, case in out:
        await lot.accepted(person, case, **kw)
    return out


async def in_person(lot: Partner, capacity: int = 6) -> str:
    """An in-person session in two 75-minute parts, two days after SOON."""
    session = uid("S")
    await lot.schedule(session, [(IN_PERSON, 75), (IN_PERSON + DAY, 75)], mode="in_person", capacity=capacity)
    return session


async def online(lot: Partner, at=SOON, capacity: int = 6) -> str:
    session = uid("S")
    await lot.schedule(session, [(at, 150)], capacity=capacity)
    return session


async def booked(tier, done: int = 0, late: int = 0) -> tuple[Partner, str, list[tuple[str, str]]]:
    """One session at START; `done` parents who finished the e-learning, then `late` who have not,
    each accepted and booked on it. Returns the partner, the session and the (person, case)s."""
    lot = Partner(tier)
    people = [(uid("P"), uid("C")) for _ in range(done + late)]
    for n, (person, case) in enumerate(people):
        await lot.accepted(person, case)
        if n < done:
            await lot.elearning_done(person, case, T0 - DAY)
    session = await online(lot, at=START)
    for person, case in people:
        await lot.book(person, case, session)
    return lot, session, people


async def attendance(lot: Partner, session: str, *rows: dict) -> None:
    await lot.partner(W.ATTENDANCE_RECORDED, {"session_id": session, "attendance": list(rows)}, session, RECORDED)
