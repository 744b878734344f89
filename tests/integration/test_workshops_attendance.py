"""The e-learning rule and attendance, one rule per scenario, on timers driven by the scenario's
clock (programme time); each run on PostgreSQL alone (tests/support/tiers.py). Follow-up calls and
concerns, and the workshops scenario on the broker too: test_workshops_follow_ups.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from contracts import topics as T
from contracts import workshop as W
from tests.support.builders import uid
from tests.support.tiers import DIRECT, Subject
from tests.support.workshop_setups import DAY, NORTH, RECORDED, START, attendance, booked


@pytest.fixture
def subject() -> Subject:
    return NORTH


@DIRECT
async def test_a_parent_may_book_before_finishing_the_elearning(tier):
    _, _, [(done, _), (late, _)] = await booked(tier, done=1, late=1)
    for person, complete in ((done, True), (late, False)):
        (confirmed,) = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_CONFIRMED, person)
        assert confirmed["data"]["elearning_complete"] is complete


@DIRECT
async def test_a_booked_parent_with_elearning_left_is_reminded_48_hours_before(tier):
    _, session, [_, (late, _)] = await booked(tier, done=1, late=1)
    await tier.at(START - timedelta(hours=48, minutes=1))
    assert not await tier.emails("workshop_elearning_reminder")
    await tier.at(START - timedelta(hours=48))
    (reminder,) = await tier.emails("workshop_elearning_reminder")
    assert (reminder["contact_id"], reminder["context"]["session_id"]) == (late, session)


@DIRECT
async def test_at_the_start_a_parent_without_the_elearning_loses_the_place(tier):
    _, _, [_, (late, _)] = await booked(tier, done=1, late=1)
    await tier.at(START)
    released = await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_RELEASED)
    assert [(e["data"]["person_id"], e["data"]["reason"]) for e in released] == [(late, "elearning_incomplete")]
    (rebook,) = await tier.emails("workshop_rebook", late)
    assert rebook["context"]["reason"] == "elearning_incomplete"


@DIRECT
async def test_a_parent_who_finishes_the_elearning_before_the_start_keeps_the_place(tier):
    lot, _, [(late, case)] = await booked(tier, late=1)
    await lot.elearning_done(late, case, START - DAY)
    await tier.at(START)
    assert not await tier.events(T.WORKSHOPS_EVENTS, W.BOOKING_RELEASED)


@DIRECT
async def test_an_attended_parent_is_published_with_the_sessions_end(tier):
    lot, session, [(person, _)] = await booked(tier, done=1)
    await attendance(lot, session, {"person_id": person, "attended": True, "follow_up": True})
    (attended,) = await tier.events(T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED)
    assert attended["data"] == {
        "person_id": person, "session_id": session, "lot": "lot-north", "attended_on": "2026-12-04",
        "recorded_at": RECORDED.isoformat().replace("+00:00", "Z"), "follow_up": True,
        "ended_at": "2026-12-04T11:30:00Z"}  # START + 150 minutes: the certificate's clock


@DIRECT
async def test_attendance_of_a_parent_whose_place_was_released_is_refused(tier):
    lot, session, [(late, _)] = await booked(tier, late=1)
    await tier.at(START)
    await attendance(lot, session, {"person_id": late, "attended": True})
    (refused,) = await tier.events(T.WORKSHOPS_EVENTS, W.ATTENDANCE_REFUSED, late)
    assert refused["data"]["reason"] == "elearning_incomplete"
    assert not await tier.events(T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED)


@DIRECT
async def test_attendance_of_a_parent_not_booked_is_refused(tier):
    lot, session, _ = await booked(tier, done=1)
    stranger = uid("P")
    await lot.accepted(stranger, uid("C"))
    await attendance(lot, session, {"person_id": stranger, "attended": True})
    (refused,) = await tier.events(T.WORKSHOPS_EVENTS, W.ATTENDANCE_REFUSED, stranger)
    assert refused["data"]["reason"] == "not_booked"


@DIRECT
async def test_an_absent_parent_is_asked_to_rebook(tier):
    lot, session, [(away, _)] = await booked(tier, done=1)
    await attendance(lot, session, {"person_id": away, "attended": False})
    assert await tier.events(T.WORKSHOPS_EVENTS, W.PARENT_ABSENT, away)
    (rebook,) = await tier.emails("workshop_rebook", away)
    assert rebook["context"]["reason"] == "absent"
