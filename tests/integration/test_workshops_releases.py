"""Places released (a cancelled session, a withdrawn referral, a cancelled booking) and what the
facts and contacts say, one rule per scenario, each run on PostgreSQL alone (tests/support/tiers.py)."""
from __future__ import annotations

import json

import pytest

from contracts import notification as N
from contracts import topics as T
from contracts import workshop as W
from tests.support.builders import uid
from tests.support.tiers import DIRECT, Subject
from tests.support.workshop_setups import DAY, LATER, NORTH, in_person, online, parents
from tests.support.workshops import T0, TRAINER, Partner


@pytest.fixture
def subject() -> Subject:
    return NORTH


@DIRECT
async def test_cancelling_a_session_releases_its_places_and_offers_the_next(tier):
    lot = Partner(tier)
    ((person, case),) = await parents(lot, 1)
    cancelled, later = await online(lot), await online(lot, at=LATER)
    await lot.book(person, case, cancelled)
    await lot.partner(W.SESSION_CANCELLED, {"session_id": cancelled, "reason": "trainer ill"}, cancelled, T0 + DAY)
    (released,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_RELEASED, person)
    assert released["data"]["reason"] == "session_cancelled"
    (rebook,) = await tier.emails("workshop_rebook", person)
    assert rebook["context"]["offer"]["session_id"] == later
    assert "STATUS:CANCELLED" in rebook["attachments"][0]["content"]


@DIRECT
async def test_a_withdrawn_parents_place_is_freed_without_asking_them_to_rebook(tier):
    lot = Partner(tier)
    ((person, case),) = await parents(lot, 1)
    await lot.book(person, case, await online(lot))
    await lot.withdrawn(person, case, T0 + DAY)
    (released,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_RELEASED, person)
    assert released["data"]["reason"] == "referral_withdrawn"
    assert not await tier.emails("workshop_rebook", person)


@DIRECT
async def test_a_cancelled_booking_frees_the_place_for_the_co_parent(tier):
    lot = Partner(tier)
    a, b, case = uid("P"), uid("P"), uid("C")
    await lot.accepted(a, case, co=(b,))
    await lot.accepted(b, case, co=(a,))
    session = await online(lot)
    await lot.book(a, case, session)
    await lot.partner(W.BOOKING_CANCELLED, {"person_id": a, "session_id": session}, case, T0 + DAY)
    await lot.book(b, case, session, time=T0 + DAY)
    assert [e["data"]["reason"] for e in await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_RELEASED, a)] == [
        "booking_cancelled"]
    assert not await tier.emails("workshop_rebook", a)
    (confirmed,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_CONFIRMED, b)
    assert confirmed["data"]["session_id"] == session


@DIRECT
async def test_a_sessions_trainer_is_recorded_as_a_contact_for_notifications(tier):
    await online(Partner(tier))
    (recorded,) = await tier.events(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED)
    assert (recorded["data"]["contact_id"], recorded["data"]["role"]) == (f"trainer:{TRAINER['trainer_id']}", "trainer")


@DIRECT
async def test_workshop_facts_name_no_trainer_venue_or_meeting_link(tier):
    lot = Partner(tier)
    (a, a_case), (b, b_case) = await parents(lot, 2)
    await lot.book(a, a_case, await online(lot))
    await lot.book(b, b_case, await in_person(lot))
    facts = await tier.events(T.WORKSHOPS_EVENTS)
    assert len([f for f in facts if f["type"] == W.BOOKING_CONFIRMED]) == 2
    for secret in (TRAINER["name"], TRAINER["email"], "Civic Centre", "meet.example"):
        assert secret not in json.dumps(facts)
