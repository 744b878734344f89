"""The plans service, one rule per scenario, each run on PostgreSQL alone and one, marked `broker`,
on the broker too (tests/support/tiers.py); referral and workshop facts are sent to it directly
(their services are tested on their own). Scenarios that fetch a plan by its link have its HTTP
routes served on the direct tier too (`SERVED`)."""
from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from contracts import notification as N
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from services.plans.app import SPEC
from services.plans.domain.agreement import AREAS
from tests.support.builders import uid
from tests.support.http import exchange
from tests.support.kafka import envelope
from tests.support.tiers import BOTH, DIRECT, Subject

HUB = "/partners/parent-hub/plans"
# Whole questions as the Hub asks them: every area proposed by one parent, the other answering
# each (the last with a counter), then the proposer accepting that counter.
DECISIONS = ["agree", "seek_help", "ask_court"]
AGREED_WHEN_COMPLETE = 4  # areas 0, 3 and 6 agreed at once, the last after its counter


def accepted(case: str, person: str, co: list[str], suitable: bool = True) -> dict:
    return {"referral_id": uid("R"), "case_number": case, "person_id": person, "programme": "ptfc",
            "route": "court_order", "lot": "lot-north", "cafcass_area": "A1",
            "ordered_on": "2026-11-02", "referred_on": "2026-11-02",
            "elearning_due_on": "2026-11-16", "workshop_due_on": "2026-12-07",
            "completion_due_on": "2026-12-14", "co_parent_person_ids": co, "plan_suitable": suitable}


@pytest.fixture
def subject() -> Subject:
    # Events carry the wall clock's time (links live from then), so the service's clock starts there.
    return Subject(SPEC, at=datetime.now(timezone.utc))


# Overrides the fixture for a scenario that fetches a plan over HTTP.
SERVED = pytest.mark.parametrize("subject", [Subject(SPEC, at=datetime.now(timezone.utc), http=True)], ids=["http"])


class Case:
    """Two parents of one case, made known to the service as accepted referrals."""

    def __init__(self, tier, suitable=(True, True)) -> None:
        self.tier = tier
        self.case, self.a, self.b = uid("C"), uid("P"), uid("P")
        self.refs = [accepted(self.case, self.a, [self.b], suitable[0]),
                     accepted(self.case, self.b, [self.a], suitable[1])]

    async def known(self) -> Case:
        for ref in self.refs:
            await self.fact(T.REFERRAL_EVENTS, R.ACCEPTED, ref)
        return self

    async def fact(self, topic: str, type_: str, data: dict) -> None:
        await self.tier.send(topic, envelope(type_, data, subject=self.case, source="/ptfc/test"))

    async def hub(self, type_: str, data: dict, event: dict | None = None) -> dict:
        return await self.tier.send(T.PARTNER_PLANS, event or envelope(type_, data, subject=self.case, source=HUB))

    async def respond(self, person: str, area: str, decision: str, terms: str | None = None) -> dict:
        answer = {"area": area, "decision": decision, **({"terms": terms} if terms else {})}
        return await self.hub(P.RESPONSE_SUBMITTED, {"person_id": person, "responses": [answer]})

    async def share(self, person: str, with_: str, email: str | None = None) -> dict:
        return await self.hub(P.SHARED, {"person_id": person, "with": with_, **({"email": email} if email else {})})

    async def events(self, type_: str | None = None) -> list[dict]:
        return [e for e in await self.tier.events(T.PLANS_EVENTS, type_) if e["subject"] == self.case]

    async def status(self) -> str:
        return await self.tier.svc.pool.fetchval("SELECT status FROM plans WHERE case_number = $1", self.case)


async def opened(tier, proposals: int = 0) -> Case:
    """A case whose plan `a` opened and, with `proposals`, proposed money for (terms "t")."""
    c = await Case(tier).known()
    await c.hub(P.OPENED, {"person_id": c.a})
    if proposals:
        await c.hub(P.PROPOSAL_SUBMITTED, {"person_id": c.a, "proposals": [{"area": "money", "terms": "t"}]})
    return c


async def answered(tier, repeat: bool = False) -> Case:
    """Every area proposed by `a` (secret terms), answered by `b` (the last with a secret counter);
    `repeat`: b's answer delivered twice (the same event)."""
    c = await opened(tier)
    await c.hub(P.PROPOSAL_SUBMITTED, {"person_id": c.a, "proposals": [
        {"area": a, "terms": f"secret terms {a}"} for a in AREAS]})
    answers = [{"area": a, "decision": DECISIONS[i % 3]} for i, a in enumerate(AREAS[:-1])]
    answers.append({"area": AREAS[-1], "decision": "counter", "terms": "secret counter"})
    answer = await c.hub(P.RESPONSE_SUBMITTED, {"person_id": c.b, "responses": answers})
    if repeat:
        await c.hub(P.RESPONSE_SUBMITTED, {}, event=answer)
    return c


async def completed(tier, repeat: bool = False) -> Case:
    """`answered`, then `a` accepts b's counter: every area has a final decision."""
    c = await answered(tier, repeat)
    await c.respond(c.a, AREAS[-1], "agree")
    return c


async def finished(tier) -> Case:
    """Three areas proposed by `a`; `b` agrees two and counters money; `b` finishes the plan."""
    c = await opened(tier)
    await c.hub(P.PROPOSAL_SUBMITTED, {"person_id": c.a, "proposals": [
        {"area": "living_arrangements", "terms": "Alternate weeks, handover on Sundays."},
        {"area": "education", "terms": "Stay at Oak Lane."}, {"area": "money", "terms": "Half each."}]})
    await c.hub(P.RESPONSE_SUBMITTED, {"person_id": c.b, "responses": [
        {"area": "living_arrangements", "decision": "agree"}, {"area": "education", "decision": "agree"},
        {"area": "money", "decision": "counter", "terms": "Unagreed counter."}]})
    await c.hub(P.FINISHED, {"person_id": c.b})
    return c


def path(email: dict, link: str = "plan_link") -> str:
    return urlsplit(email["context"][link]).path


async def fetch_pdf(tier, target: str) -> str:
    answer = await exchange(tier.svc.http_port, "GET", target)
    assert answer.status == 200
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body)).pages).split())


# Opening


@DIRECT
async def test_a_case_whose_co_parent_is_not_suitable_is_refused_a_plan_with_a_generic_reason(tier):
    c = await Case(tier, suitable=(True, False)).known()
    await c.hub(P.OPENED, {"person_id": c.a})
    (refused,) = await c.events(P.OPENING_REFUSED)
    assert refused["data"]["reason"] == "not_available"
    assert not await c.events(P.PLAN_OPENED) and await c.status() is None


@DIRECT
async def test_a_case_has_one_plan_however_often_it_is_opened(tier):
    c = await Case(tier).known()
    first = await c.hub(P.OPENED, {"person_id": c.a})
    await c.hub(P.OPENED, {}, event=first)
    await c.hub(P.OPENED, {"person_id": c.b})
    (plan,) = await c.events(P.PLAN_OPENED)
    assert (plan["data"]["opened_by"], sorted(plan["data"]["person_ids"])) == (c.a, sorted([c.a, c.b]))


# Negotiation to completion


@BOTH
async def test_a_plan_with_a_final_decision_in_every_area_is_completed(tier):
    c = await completed(tier)
    (done,) = await c.events(P.PLAN_COMPLETED)
    decisions = done["data"]["decisions"]
    assert (decisions[AREAS[0]], decisions[AREAS[1]], decisions[AREAS[2]]) == ("agreed", "seek_help", "ask_court")
    assert decisions[AREAS[-1]] == "agreed"  # the counter, accepted
    assert await c.status() == "completed"


@DIRECT
async def test_a_parent_cannot_accept_their_own_counter(tier):
    c = await answered(tier)
    await c.respond(c.b, AREAS[-1], "agree")
    assert await tier.dead_letters() == [f"area {AREAS[-1]}: a parent cannot respond to their own proposal"]
    assert not await c.events(P.PLAN_COMPLETED) and await c.status() == "open"


@DIRECT
async def test_a_repeated_response_is_applied_once(tier):
    c = await completed(tier, repeat=True)
    # Ten proposals, ten answers, one acceptance of the counter: the repeat added nothing.
    assert len(await c.events(P.AREA_UPDATED)) == 10 + 10 + 1
    assert len(await c.events(P.PLAN_COMPLETED)) == 1 and await tier.dead_letters() == []


@DIRECT
async def test_the_history_keeps_every_step_of_an_area_with_its_terms(tier):
    c = await completed(tier)
    history = await tier.svc.pool.fetch("SELECT person_id, action, terms FROM plan_history "
                                        "WHERE case_number = $1 AND area = $2 ORDER BY id", c.case, AREAS[-1])
    assert [tuple(h) for h in history] == [(c.a, "proposed", f"secret terms {AREAS[-1]}"),
                                           (c.b, "counter", "secret counter"), (c.a, "agree", None)]


@DIRECT
async def test_plan_events_carry_no_terms_and_no_addresses(tier):
    c = await completed(tier)
    await c.share(c.b, "mediator", "med@mediation.example")
    await c.share(c.a, "court", "family@court.example")
    published = json.dumps(await tier.events(T.PLANS_EVENTS))
    assert c.case in published and "secret" not in published and ".example" not in published


@DIRECT
async def test_completion_sends_each_parent_a_link_to_their_plan(tier):
    c = await completed(tier)
    sent = await tier.emails()
    assert sorted((m["template"], m["contact_id"], m["context"]["occasion"]) for m in sent) == sorted(
        [("plan_for_parent", c.a, "completed"), ("plan_for_parent", c.b, "completed")])
    assert all(m["context"]["child_link"] and m["context"]["plan_link"] for m in sent)


# Sharing


@DIRECT
@pytest.mark.parametrize("with_", ["mediator", "fca"])
async def test_a_share_with_a_professional_records_their_contact_then_emails_them_a_link(tier, with_):
    c = await completed(tier)
    share = await c.share(c.b, with_, f"{with_}@pro.example")
    requests = [(e["type"], e["data"]) for e in await tier.events(T.NOTIFICATIONS_REQUESTS)][2:]  # after the parents'
    assert [(t, d.get("role"), d.get("template")) for t, d in requests] == [
        (N.CONTACT_RECORDED, with_, None), (N.REQUESTED, None, "plan_share_link")]
    assert requests[0][1]["contact_id"] == requests[1][1]["contact_id"] == f"plan-share:{share['id']}"
    context = requests[1][1]["context"]
    assert context["agreed"] == AGREED_WHEN_COMPLETE and "child_link" not in context  # the plan itself only
    assert "secret" not in json.dumps(await tier.events(T.NOTIFICATIONS_REQUESTS))
    (fact,) = await c.events(P.PLAN_SHARED)
    assert (fact["data"]["with"], fact["data"]["emailed"]) == (with_, True)


@DIRECT
async def test_a_share_with_the_children_sends_the_sharing_parent_their_link_and_emails_no_child(tier):
    c = await completed(tier)
    await c.share(c.a, "children")
    (email,) = [m for m in await tier.emails() if m["context"]["occasion"] == "children"]
    assert (email["template"], email["contact_id"]) == ("plan_for_parent", c.a) and email["context"]["child_link"]
    assert not await tier.events(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED)
    (fact,) = await c.events(P.PLAN_SHARED)
    assert (fact["data"]["with"], fact["data"]["emailed"]) == ("children", False)


@DIRECT
@SERVED
async def test_a_professionals_link_serves_the_completed_plan(tier):
    c = await completed(tier)
    await c.share(c.a, "fca", "fca@cafcass.example")
    (email,) = await tier.emails("plan_share_link")
    assert "Complete: every area has a final decision" in await fetch_pdf(tier, path(email))


# Closing and withdrawal


@DIRECT
async def test_a_concern_closes_the_plan_once_saying_nothing_more_and_emailing_no_one(tier):
    c = await opened(tier, proposals=1)
    for _ in range(2):  # another event each time
        await c.fact(T.WORKSHOPS_EVENTS, W.SAFEGUARDING_CONCERN_RECORDED, {"person_id": c.b, "lot": "lot-north"})
    (closed,) = await c.events(P.PLAN_CLOSED)
    assert closed["data"] == {"case_number": c.case}  # no reason, no person
    assert await c.status() == "closed"
    assert await tier.events(T.NOTIFICATIONS_REQUESTS) == []  # the other parent included


@DIRECT
async def test_a_closed_plan_takes_no_submission_and_cannot_be_opened_again(tier):
    c = await opened(tier, proposals=1)
    await c.fact(T.WORKSHOPS_EVENTS, W.SAFEGUARDING_CONCERN_RECORDED, {"person_id": c.b, "lot": "lot-north"})
    await c.respond(c.b, "money", "agree")
    await c.hub(P.OPENED, {"person_id": c.a})
    assert await tier.dead_letters() == ["plan closed", "plan closed"]
    assert len(await c.events(P.PLAN_OPENED)) == 1 and len(await c.events(P.AREA_UPDATED)) == 1


@DIRECT
async def test_a_withdrawn_parent_can_no_longer_submit_and_the_plan_stays_open(tier):
    c = await opened(tier, proposals=1)
    await c.fact(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED, {
        "referral_id": c.refs[1]["referral_id"], "case_number": c.case, "person_id": c.b, "lot": "lot-north"})
    await c.respond(c.b, "money", "agree")
    assert await tier.dead_letters() == ["the referral for this person_id was withdrawn"]
    assert await c.status() == "open" and not await c.events(P.PLAN_CLOSED)
    assert await tier.events(T.NOTIFICATIONS_REQUESTS) == []


# Finished with what is agreed


@DIRECT
async def test_a_plan_finished_with_what_is_agreed_publishes_every_areas_state(tier):
    c = await finished(tier)
    (fact,) = await c.events(P.PLAN_FINISHED)
    states = fact["data"]["areas"]
    assert fact["data"]["person_id"] == c.b and set(states) == set(AREAS)
    assert (states["living_arrangements"], states["education"], states["money"], states["health"]) == (
        "agreed", "agreed", "proposed", "open")
    assert await c.status() == "finished" and not await c.events(P.PLAN_COMPLETED)


@DIRECT
async def test_finishing_sends_each_parent_a_link_to_their_plan(tier):
    c = await finished(tier)
    assert sorted((m["template"], m["contact_id"], m["context"]["occasion"]) for m in await tier.emails()) == sorted(
        [("plan_for_parent", c.a, "finished"), ("plan_for_parent", c.b, "finished")])


@DIRECT
async def test_a_finished_plan_takes_no_more_submissions(tier):
    c = await finished(tier)
    await c.respond(c.a, "money", "agree")
    assert await tier.dead_letters() == ["plan finished with what is agreed"]
    assert await c.status() == "finished" and not await c.events(P.PLAN_COMPLETED)
    assert len(await c.events(P.AREA_UPDATED)) == 3 + 3


@DIRECT
async def test_finishing_again_only_sends_that_parent_a_fresh_link(tier):
    c = await finished(tier)
    await c.hub(P.FINISHED, {"person_id": c.a})
    emails = [(m["template"], m["contact_id"], m["context"]["occasion"]) for m in await tier.emails()]
    assert emails[2:] == [("plan_for_parent", c.a, "again")]
    assert len(await c.events(P.PLAN_FINISHED)) == 1 and await tier.dead_letters() == []


@DIRECT
async def test_a_finished_plan_can_still_be_shared_with_the_court(tier):
    c = await finished(tier)
    share = await c.share(c.b, "court", "family@court.example")
    (contact,) = await tier.events(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED)
    assert (contact["data"]["role"], contact["data"]["contact_id"]) == ("court", f"plan-share:{share['id']}")
    (email,) = await tier.emails("plan_share_link")
    assert email["contact_id"] == f"plan-share:{share['id']}" and email["context"]["agreed"] == 2


@DIRECT
@SERVED
async def test_the_courts_link_serves_what_is_agreed_and_no_unagreed_terms(tier):
    c = await finished(tier)
    await c.share(c.b, "court", "family@court.example")
    (email,) = await tier.emails("plan_share_link")
    plan = await fetch_pdf(tier, path(email))
    assert "Finished on" in plan and "with what is agreed: 2 of 10 areas agreed" in plan
    assert "Alternate weeks, handover on Sundays." in plan and "Money Open: not agreed yet" in plan
    assert "Unagreed counter" not in plan and "Half each" not in plan


@DIRECT
@SERVED
async def test_the_child_friendly_link_says_only_what_the_parents_agreed(tier):
    c = await finished(tier)
    (email,) = await tier.emails("plan_for_parent", c.b)
    words = await fetch_pdf(tier, path(email, "child_link"))
    assert "Alternate weeks, handover on Sundays." in words
    assert "School Your parents agreed: Stay at Oak Lane." in words
    assert [w for w in ("propos", "counter", "not agreed", "court", "open", "history", "money", "half each")
            if w in words.lower()] == []


@DIRECT
@SERVED
async def test_a_concern_withdraws_every_link_to_the_plan(tier):
    c = await finished(tier)
    await c.share(c.b, "court", "family@court.example")
    links = [path(m) for m in await tier.emails()]  # both parents' and the court's
    assert len(links) == 3 and (await exchange(tier.svc.http_port, "GET", links[2])).status == 200
    await c.fact(T.WORKSHOPS_EVENTS, W.SAFEGUARDING_CONCERN_RECORDED, {"person_id": c.a, "lot": "lot-north"})
    assert len(await c.events(P.PLAN_CLOSED)) == 1
    for link in links:
        answer = await exchange(tier.svc.http_port, "GET", link)
        assert (answer.status, answer.json()) == (410, {"error": "this link has been withdrawn"})
