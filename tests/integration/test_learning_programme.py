"""E-learning progress and reminders, one rule per scenario, with the timers' clock moved by the
scenario; each run on PostgreSQL alone (tests/support/tiers.py). Surveys and reissued links:
test_learning_surveys.py; certificates, and learning's scenario on the broker too:
test_learning_certificates.py."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from contracts import learning as L
from contracts import topics as T
from services.learning.app import SPEC
from tests.support.learning import DAY7, DAY12, T0, Hub, Parent
from tests.support.tiers import DIRECT, Subject

DAY = timedelta(days=1)


@pytest.fixture
def subject() -> Subject:
    return Subject(SPEC, at=T0)


@DIRECT
async def test_progress_of_a_person_with_no_accepted_referral_is_dead_lettered(tier):
    await Hub(tier).module(Parent(), "welcome", T0 + DAY)
    assert await tier.dead_letters() == ["no accepted referral for this person_id"]


@DIRECT
async def test_progress_of_a_withdrawn_parent_is_dead_lettered(tier):
    hub, gone = Hub(tier), Parent()
    await hub.accept(gone)
    await hub.withdraw(gone, T0 + timedelta(hours=1))
    await hub.module(gone, "welcome", T0 + DAY)
    assert await tier.dead_letters() == ["the referral for this person_id was withdrawn"]


@DIRECT
async def test_on_day_7_an_incomplete_parent_is_reminded_of_their_progress(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.activate(p, T0 + timedelta(hours=2))
    for module in ("welcome", "m1", "m1"):  # a repeat counts once
        await hub.module(p, module, T0 + DAY)
    await tier.at(DAY7 - timedelta(minutes=1))
    assert not await tier.emails("learning_reminder")
    await tier.at(DAY7)
    (reminder,) = await tier.emails("learning_reminder", p.person)
    assert (reminder["context"]["modules_done"], reminder["context"]["day"]) == (2, 7)
    assert "activation_link" not in reminder["context"]  # the account is active


@DIRECT
async def test_a_parent_who_never_activated_is_reminded_with_a_new_link(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await tier.at(DAY7)
    (reminder,) = await tier.emails("learning_reminder", p.person)
    assert "/activate?token=" in reminder["context"]["activation_link"]
    assert reminder["context"]["elearning_due_on"] == "16 November 2026"


@DIRECT
async def test_a_withdrawn_parent_is_not_reminded(tier):
    hub, gone = Hub(tier), Parent()
    await hub.accept(gone)
    await hub.withdraw(gone, T0 + timedelta(hours=1))
    await tier.at(DAY12)
    assert not await tier.emails("learning_reminder")


@DIRECT
async def test_an_incomplete_parent_is_reminded_on_day_7_and_day_12_once_each(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await tier.at(DAY7)
    await tier.at(DAY12)
    await tier.at(DAY12 + DAY)
    assert [r["context"]["day"] for r in await tier.emails("learning_reminder", p.person)] == [7, 12]
    # Each reminder to a parent who never activated carries a new link: an invitation again.
    assert [e["data"]["reissue"] for e in await tier.events(T.LEARNING_EVENTS, L.INVITATION_SENT)] == [
        False, True, True]


@DIRECT
async def test_modules_in_any_order_with_repeats_complete_the_elearning_once_on_target(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    modules = list(L.MODULES) * 2
    random.Random(13).shuffle(modules)
    for module in modules:
        await hub.module(p, module, T0 + 6 * DAY)
    await hub.module(p, "m4", T0 + 7 * DAY)  # after completion: changes nothing
    (done,) = await tier.events(T.LEARNING_EVENTS, L.ELEARNING_COMPLETED)
    assert (done["data"]["person_id"], done["data"]["within_target"]) == (p.person, True)
    assert datetime.fromisoformat(done["data"]["completed_at"]) == T0 + 6 * DAY


@DIRECT
async def test_a_parent_who_completed_before_a_reminder_is_due_is_not_reminded(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.all_modules(p, T0 + 6 * DAY)
    await tier.at(DAY12)
    assert not await tier.emails("learning_reminder")
