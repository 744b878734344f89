"""Surveys, the satisfaction report and reissued links, one rule per scenario; each run on
PostgreSQL alone (tests/support/tiers.py)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from contracts import learning as L
from contracts import topics as T
from ptfc.kit.operator import SOURCE as OPERATOR
from services.learning import cli
from services.learning.app import SPEC
from tests.support.http import call
from tests.support.kafka import envelope
from tests.support.learning import DAY12, T0, Hub, Parent
from tests.support.tiers import DIRECT, Subject

DAY = timedelta(days=1)


@pytest.fixture
def subject() -> Subject:
    return Subject(SPEC, at=T0)


# Overrides the fixture for a scenario that asks the service over HTTP.
SERVED = pytest.mark.parametrize("subject", [Subject(SPEC, at=T0, http=True)], ids=["http"])


@DIRECT
async def test_workshop_feedback_is_published_with_its_three_answers_only(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.feedback(p, T0 + 20 * DAY, clear=True, centre=False, satisfaction=5)
    await hub.survey(p, "progress", {"comment": "helpful"}, T0 + 20 * DAY)  # not feedback: not published
    (recorded,) = await tier.events(T.LEARNING_EVENTS, L.FEEDBACK_RECORDED)
    assert recorded["data"] == {"person_id": p.person, "submitted_at": "2026-11-22T15:00:00Z",
                                "clearer_understanding": True, "child_at_centre": False, "satisfaction": 5}
    assert "helpful" not in json.dumps(await tier.events(T.LEARNING_EVENTS))


@DIRECT
@SERVED
async def test_the_satisfaction_report_counts_each_parents_latest_feedback(tier):
    hub, a, b = Hub(tier), Parent(), Parent()
    await hub.accept(a, b)
    await hub.feedback(a, T0 + 20 * DAY, clear=True, centre=True, satisfaction=5)
    await hub.feedback(a, T0 + 21 * DAY, clear=False, centre=True, satisfaction=4)
    await hub.feedback(b, T0 + 21 * DAY, clear=True, centre=False, satisfaction=2)
    status, report = await call("GET", f"http://127.0.0.1:{tier.svc.http_port}/reports/satisfaction")
    assert status == 200 and report["responses"] == 2
    for answer in ("clearer_understanding", "child_at_centre", "high_satisfaction"):
        assert report[answer] == {"count": 1, "percent": 50.0}
    assert a.person not in str(report) and b.person not in str(report)


@DIRECT
async def test_feedback_answers_of_the_wrong_type_are_dead_lettered_by_field(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.survey(p, "workshop-feedback", {"clearer_understanding": "yes", "satisfaction": 9}, T0 + DAY)
    (reason,) = await tier.dead_letters()
    assert reason.startswith("workshop-feedback: answers.clearer_understanding must be")
    assert not await tier.events(T.LEARNING_EVENTS, L.FEEDBACK_RECORDED)


@DIRECT
async def test_the_operators_reissue_sends_a_parent_who_never_activated_a_new_link(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    # `ptfc learning reissue`: the command's check, then the event it publishes as the operator.
    case = await cli.case_of(tier.svc.settings, p.person)
    await tier.send(T.PARTNER_LEARNING, envelope(L.INVITATION_REISSUE_REQUESTED, {"person_id": p.person},
                                                 subject=case, source=OPERATOR, time=T0 + DAY))
    assert len(await tier.emails("learning_invitation_reissued", p.person)) == 1
    assert [e["data"]["reissue"] for e in await tier.events(T.LEARNING_EVENTS, L.INVITATION_SENT)] == [False, True]


@DIRECT
async def test_the_operator_cannot_reissue_a_link_to_an_activated_account(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.activate(p, T0 + DAY)
    with pytest.raises(LookupError):
        await cli.reissue(tier.svc.settings, p.person)  # refused before anything is published


@DIRECT
async def test_a_reissue_requested_for_an_activated_account_is_dead_lettered(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.activate(p, T0 + DAY)
    await hub.send(T.PARTNER_LEARNING, L.INVITATION_REISSUE_REQUESTED, {"person_id": p.person}, p, T0 + 2 * DAY)
    (reason,) = await tier.dead_letters()
    assert "already activated" in reason
    assert not await tier.emails("learning_invitation_reissued")


@DIRECT
async def test_learning_events_carry_no_contact_details_or_links(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await tier.at(DAY12)  # invitations and reminders, each with a link, went out as email requests
    assert len(await tier.emails(contact=p.person)) == 3
    facts = json.dumps(await tier.events(T.LEARNING_EVENTS))
    assert "@" not in facts and "token=" not in facts
