"""Referral intake, one rule per scenario, each run on PostgreSQL alone and one, marked `broker`, on
the broker too (tests/support/tiers.py)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from services.referral.app import SPEC
from tests.support.builders import referral, uid
from tests.support.kafka import envelope
from tests.support.tiers import DIRECT, Subject

MADE = datetime(2026, 11, 2, 10, 15, tzinfo=timezone.utc)  # day 0: the referral's own time
TOGETHER = pytest.mark.parametrize("together", [False, True], ids=["one-by-one", "one-batch"])


@pytest.fixture
def subject() -> Subject:
    return Subject(SPEC, at=MADE)


def requested(req: dict, **kw) -> dict:
    return envelope(R.REQUESTED, req, subject=req["case_number"], **kw)


async def send(tier, envs: list[dict], together: bool) -> None:
    """In order, under the first one's key (one partition). `together`: one batch, so the set-based
    handler decides them as one run (each must still see the ones before it)."""
    key = envs[0]["subject"]
    if together:
        await tier.send_together(T.PARTNER_REFERRALS, envs, key)
    else:
        for env in envs:
            await tier.send(T.PARTNER_REFERRALS, env, key=key)


@DIRECT
async def test_an_acceptance_counts_from_the_day_the_referral_was_made(tier):
    req = referral(ordered_on="2026-10-28")  # referred five days after the order
    await tier.send(T.PARTNER_REFERRALS, requested(req, time=MADE))
    (accepted,) = await tier.events(T.REFERRAL_EVENTS, R.ACCEPTED)
    data = accepted["data"]
    assert accepted["subject"] == req["case_number"]
    assert (data["lot"], data["cafcass_area"]) == ("lot-north", "A1")
    # v1.1: day 0 is the day the referral was made (its `time`), not the order's date.
    assert (data["ordered_on"], data["referred_on"]) == ("2026-10-28", "2026-11-02")
    assert (data["elearning_due_on"], data["completion_due_on"]) == ("2026-11-16", "2026-12-14")


@DIRECT
async def test_an_acceptance_carries_no_contact_details(tier):
    req = referral()
    await tier.send(T.PARTNER_REFERRALS, requested(req))
    raw = json.dumps(await tier.events(T.REFERRAL_EVENTS, R.ACCEPTED))
    assert req["referral_id"] in raw
    for secret in (req["parent"]["email"], "Alex", "Example", "7700", req["fca"]["email"]):
        assert secret not in raw


@DIRECT
async def test_the_parent_fca_and_court_are_recorded_as_contacts_for_notifications(tier):
    req = referral()
    await tier.send(T.PARTNER_REFERRALS, requested(req))
    recorded = await tier.events(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED)
    assert sorted(e["data"]["role"] for e in recorded) == ["court", "fca", "parent"]


@DIRECT
async def test_a_rejection_lists_every_reason_at_once_without_the_values(tier):
    req = referral(route="self_referral", cafcass_area="Z99", programme="cppp",
                   cppp={"proceedings": "rule_99", "consent": False})
    req["parent"]["email"] = "not-an-email"
    await tier.send(T.PARTNER_REFERRALS, requested(req))
    (rejected,) = await tier.events(T.REFERRAL_EVENTS, R.REJECTED)
    assert sorted(r["code"] for r in rejected["data"]["reasons"]) == [
        "cppp_consent_missing", "cppp_proceedings_not_eligible", "invalid_email", "route_not_allowed",
        "unknown_cafcass_area"]
    assert "not-an-email" not in json.dumps(rejected)
    assert not await tier.events(T.REFERRAL_EVENTS, R.ACCEPTED)


@DIRECT
@TOGETHER
async def test_a_repeated_referral_is_accepted_once(tier, together):
    req = referral()
    first = requested(req)
    # The very same message twice, then the same referral under another event id.
    await send(tier, [first, first, requested(req)], together)
    assert [e["type"] for e in await tier.events(T.REFERRAL_EVENTS)] == [R.ACCEPTED]
    # Decided in the set-based handler itself: the unique indexes would otherwise send the batch to
    # the one-at-a-time replay, which gets the same answer and would hide a bug.
    assert tier.svc.metrics.counters["batch_replays_total"] == 0


@pytest.mark.parametrize("tier,together", [("direct", False), ("direct", True),
                                           pytest.param("broker", True, marks=pytest.mark.broker)],
                         indirect=["tier"])
async def test_a_second_active_referral_for_a_parent_is_refused(tier, together):
    req = referral()
    second = referral(person=req["parent"]["person_id"])
    await send(tier, [requested(req), requested(second)], together)
    outcomes = {e["subject"]: e for e in await tier.events(T.REFERRAL_EVENTS)}
    assert {case: e["type"] for case, e in outcomes.items()} == {req["case_number"]: R.ACCEPTED,
                                                                 second["case_number"]: R.REJECTED}
    assert [r["code"] for r in outcomes[second["case_number"]]["data"]["reasons"]] == ["already_active"]
    assert tier.svc.metrics.counters["batch_replays_total"] == 0


@DIRECT
@TOGETHER
async def test_a_withdrawn_parent_may_be_referred_again(tier, together):
    req = referral()
    case = req["case_number"]
    again = referral(case=case, person=req["parent"]["person_id"])
    withdrawn = envelope(R.WITHDRAWN, {"referral_id": req["referral_id"], "reason": "order varied"}, subject=case)
    await send(tier, [requested(req), withdrawn, requested(again)], together)
    events = await tier.events(T.REFERRAL_EVENTS)
    assert [e["type"] for e in events] == [R.ACCEPTED, R.WITHDRAWAL_ACCEPTED, R.ACCEPTED]
    assert events[2]["data"]["re_referral"] is True
    assert tier.svc.metrics.counters["batch_replays_total"] == 0


@DIRECT
async def test_a_withdrawal_of_an_unknown_referral_is_dead_lettered_with_the_reason(tier):
    case = uid("C")
    await tier.send(T.PARTNER_REFERRALS, envelope(R.WITHDRAWN, {"referral_id": "nope", "reason": "x"}, subject=case))
    assert await tier.dead_letters() == ["no accepted referral with this referral_id"]
