"""Booking rules of one lot's workshops service, one rule per scenario, each run on PostgreSQL alone
and (BOTH) on the broker too (tests/support/tiers.py). Places released: test_workshops_releases.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from contracts import topics as T
from contracts import workshop as W
from tests.support.builders import uid
from tests.support.tiers import BOTH, DIRECT, Subject
from tests.support.workshop_setups import LATER, NORTH, SOON, in_person, online, parents
from tests.support.workshops import T0, Partner


@pytest.fixture
def subject() -> Subject:
    return NORTH


@DIRECT
async def test_a_named_session_that_fits_is_confirmed_with_a_calendar_invitation(tier):
    lot = Partner(tier)
    ((person, case),) = await parents(lot, 1)
    session = await online(lot)
    await lot.book(person, case, session)
    (confirmed,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_CONFIRMED, person)
    assert confirmed["data"]["session_id"] == session and confirmed["data"]["elearning_complete"] is False
    (email,) = await tier.emails("workshop_booking_confirmed", person)
    assert email["context"]["join_url"] == f"https://meet.example/{session}"
    assert email["context"]["when"] == ["Friday 4 December 2026, 09:00 to 11:30 (UK time)"]
    (ics,) = email["attachments"]
    assert ics["filename"] == "session.ics" and ics["content_type"] == "text/calendar"
    assert "DTSTART:20261204T090000Z" in ics["content"] and "DTEND:20261204T113000Z" in ics["content"]


@DIRECT
async def test_a_one_part_session_must_last_150_minutes(tier):
    await Partner(tier).schedule(uid("S"), [(SOON, 120)])
    (reason,) = await tier.dead_letters()
    assert "a one-part session lasts 150 minutes" in reason


@DIRECT
async def test_a_co_parent_of_a_booked_parent_is_refused_and_offered_the_next_session_that_fits(tier):
    lot = Partner(tier)
    a, b, case = uid("P"), uid("P"), uid("C")
    await lot.accepted(a, case, co=(b,))
    await lot.accepted(b, case, co=(a,))
    session, other = await online(lot), await in_person(lot)
    await lot.book(a, case, session)
    await lot.book(b, case, session)
    (refused,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_REFUSED, b)
    assert (refused["data"]["reason"], refused["data"]["offered_session_id"]) == ("co_parent_booked", other)


@DIRECT
async def test_a_parent_who_needs_to_attend_in_person_is_refused_online_and_offered_in_person(tier):
    lot = Partner(tier)
    ((person, case),) = await parents(lot, 1, in_person=True)
    session, other = await online(lot), await in_person(lot)
    await lot.book(person, case, session)
    (refused,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_REFUSED, person)
    assert (refused["data"]["reason"], refused["data"]["offered_session_id"]) == ("in_person_needed", other)


@DIRECT
async def test_a_full_session_is_refused_and_the_email_offers_the_next_that_fits(tier):
    lot = Partner(tier)
    (first, first_case), (second, second_case) = await parents(lot, 2)
    full, other = await online(lot, capacity=1), await in_person(lot)
    await lot.book(first, first_case, full)
    await lot.book(second, second_case, full)
    (refused,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_REFUSED, second)
    assert (refused["data"]["reason"], refused["data"]["offered_session_id"]) == ("session_full", other)
    (email,) = await tier.emails("workshop_booking_refused", second)
    assert email["context"]["offer"]["session_id"] == other


@DIRECT
async def test_a_request_naming_no_session_books_the_earliest_that_fits(tier):
    lot = Partner(tier)
    (first, first_case), (second, second_case) = await parents(lot, 2)
    later = await online(lot, at=LATER)
    full, next_one = await online(lot, capacity=1), await in_person(lot)
    await lot.book(first, first_case, full)
    await lot.book(second, second_case)
    (confirmed,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_CONFIRMED, second)
    assert confirmed["data"]["session_id"] == next_one != later


@DIRECT
async def test_a_session_started_by_the_requests_own_time_is_refused(tier):
    lot = Partner(tier)
    ((person, case),) = await parents(lot, 1)
    started = await online(lot, at=T0 - timedelta(hours=1))  # after now by the wall clock: the request's time counts
    await lot.book(person, case, started)
    (refused,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_REFUSED, person)
    assert refused["data"]["reason"] == "session_started"


@BOTH
async def test_another_lots_parent_is_refused_at_once_not_parked(tier):
    lot = Partner(tier)
    person, case = uid("P"), uid("C")
    await lot.accepted(person, case, lot="lot-east")
    await lot.book(person, case, await online(lot))
    assert [e["data"]["reason"] for e in await tier.events(T.WORKSHOPS_EVENTS, person=person)] == ["other_lot"]
    assert not await tier.dead_letters()  # had it been parked, it would be dead-lettered by now
