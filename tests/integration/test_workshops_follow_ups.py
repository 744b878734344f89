"""Follow-up calls and safeguarding concerns after a workshop, one rule per scenario, on timers
driven by the scenario's clock; each run on PostgreSQL alone and (BOTH) on the broker too
(tests/support/tiers.py)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from contracts import topics as T
from contracts import workshop as W
from tests.support.builders import uid
from tests.support.tiers import BOTH, DIRECT, Subject
from tests.support.workshop_setups import DAY, DUE, NORTH, RECORDED, attendance, booked
from tests.support.workshops import TRAINER

TRAINER_CONTACT = f"trainer:{TRAINER['trainer_id']}"


@pytest.fixture
def subject() -> Subject:
    return NORTH


@DIRECT
async def test_a_follow_up_call_is_due_42_days_after_the_workshop_ends(tier):
    lot, session, [(person, _), (other, _)] = await booked(tier, done=2)
    await attendance(lot, session, {"person_id": person, "attended": True, "follow_up": True},
                     {"person_id": other, "attended": True})
    (due,) = await tier.events(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_DUE)
    assert due["data"]["person_id"] == person and due["data"]["trainer_id"] == TRAINER["trainer_id"]
    assert datetime.fromisoformat(due["data"]["due_at"]) == DUE


@DIRECT
async def test_a_safeguarding_concern_is_recorded_for_the_case(tier):
    lot, session, [(person, case)] = await booked(tier, done=1)
    await lot.partner(W.SAFEGUARDING_CONCERN_RAISED, {"person_id": person, "trainer_id": TRAINER["trainer_id"],
                                                      "session_id": session}, case, RECORDED)
    (concern,) = await tier.events(T.WORKSHOPS_EVENTS, W.SAFEGUARDING_CONCERN_RECORDED)
    assert concern["data"] == {"person_id": person, "lot": "lot-north", "session_id": session}
    assert concern["subject"] == case
    assert "safeguard" not in json.dumps(await tier.emails()).lower()  # nobody is emailed about it


@DIRECT
async def test_the_co_parent_hears_nothing_of_the_other_parents_workshop(tier):
    lot, session, [(person, case)] = await booked(tier, done=1)
    co = uid("P")
    await lot.accepted(co, case, co=(person,))
    await attendance(lot, session, {"person_id": person, "attended": True, "follow_up": True})
    await lot.partner(W.SAFEGUARDING_CONCERN_RAISED, {"person_id": person, "trainer_id": TRAINER["trainer_id"],
                                                      "session_id": session}, case, RECORDED)
    await tier.at(DUE + DAY)
    assert await tier.emails(contact=person) and not await tier.emails(contact=co)


@DIRECT
async def test_the_trainer_is_reminded_a_week_before_each_call_is_due(tier):
    lot, session, [(a, _), (b, _)] = await booked(tier, done=2)
    await attendance(lot, session, *({"person_id": p, "attended": True, "follow_up": True} for p in (a, b)))
    await tier.at(DUE - 7 * DAY - timedelta(minutes=1))
    assert not await tier.emails("workshop_follow_up_reminder")
    await tier.at(DUE - 7 * DAY)
    reminders = await tier.emails("workshop_follow_up_reminder", TRAINER_CONTACT)
    assert sorted(r["context"]["person_id"] for r in reminders) == sorted([a, b])


@DIRECT
async def test_a_call_recorded_before_it_is_due_is_not_late(tier):
    lot, session, [(person, case)] = await booked(tier, done=1)
    await attendance(lot, session, {"person_id": person, "attended": True, "follow_up": True})
    await lot.partner(W.FOLLOW_UP_RECORDED, {"person_id": person, "outcome": "spoke"}, case, DUE - 3 * DAY)
    (outcome,) = await tier.events(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_OUTCOME_RECORDED)
    data = outcome["data"]
    assert (data["person_id"], data["outcome"], data["late"]) == (person, "spoke", False)
    await tier.at(DUE + DAY)
    assert not await tier.events(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_OVERDUE)


@DIRECT
async def test_a_call_recorded_for_a_parent_with_no_open_call_is_dead_lettered(tier):
    lot, _, [(person, case)] = await booked(tier, done=1)
    await lot.partner(W.FOLLOW_UP_RECORDED, {"person_id": person, "outcome": "spoke"}, case, DUE)
    (reason,) = await tier.dead_letters()
    assert "no follow-up call is open for this person_id" in reason


@BOTH
async def test_an_unrecorded_call_is_overdue_and_recording_it_afterwards_is_late(tier):
    lot, session, [(person, case)] = await booked(tier, done=1)
    await attendance(lot, session, {"person_id": person, "attended": True, "follow_up": True})
    await tier.at(DUE - timedelta(minutes=1))
    assert not await tier.events(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_OVERDUE)
    await tier.at(DUE + timedelta(minutes=1))
    assert [e["data"]["person_id"] for e in await tier.events(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_OVERDUE)] == [person]
    await lot.partner(W.FOLLOW_UP_RECORDED, {"person_id": person, "outcome": "unreachable"}, case, DUE + DAY)
    (outcome,) = await tier.events(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_OUTCOME_RECORDED)
    assert (outcome["data"]["outcome"], outcome["data"]["late"]) == ("unreachable", True)
