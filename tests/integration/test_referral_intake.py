"""Referral intake against the real broker and database."""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest

from contracts import referral as R
from contracts import topics as T
from services.referral.app import SPEC
from tests.support.builders import referral, uid
from tests.support.kafka import TopicReader, envelope, publish
from tests.support.services import running


async def test_accepts_a_valid_referral_without_contact_details(settings, producer):
    req = referral(ordered_on="2026-10-28")  # referred five days after the order
    async with running(SPEC, settings) as svc:
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.REFERRAL_EVENTS)).start()
        contacts = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.NOTIFICATIONS_REQUESTS)).start()
        await publish(producer, svc.topic(T.PARTNER_REFERRALS),
                      envelope(R.REQUESTED, req, subject=req["case_number"], time=datetime(2026, 11, 2, 10, 15, tzinfo=timezone.utc)),
                      req["case_number"])
        events = await out.wait_for(lambda es: [e for e in es if e["type"] == R.ACCEPTED], what="accepted")
        accepted = events[0]
        assert accepted["subject"] == req["case_number"]
        assert accepted["data"]["lot"] == "lot-north"
        # v1.1: day 0 is the day the referral was made (its `time`), not the order's date.
        assert (accepted["data"]["ordered_on"], accepted["data"]["referred_on"]) == ("2026-10-28", "2026-11-02")
        assert accepted["data"]["cafcass_area"] == "A1"
        assert accepted["data"]["elearning_due_on"] == "2026-11-16"
        assert accepted["data"]["completion_due_on"] == "2026-12-14"
        raw = json.dumps(accepted)
        for secret in (req["parent"]["email"], "Alex", "Example", "7700", req["fca"]["email"]):
            assert secret not in raw
        recorded = await contacts.wait_for(lambda es: len(es) >= 3 and es, what="contacts")
        assert {e["data"]["role"] for e in recorded} == {"parent", "fca", "court"}
        await out.stop(); await contacts.stop()


async def test_rejection_lists_every_reason_at_once(settings, producer):
    req = referral(route="self_referral", cafcass_area="Z99", programme="cppp",
                   cppp={"proceedings": "rule_99", "consent": False})
    req["parent"]["email"] = "not-an-email"
    async with running(SPEC, settings) as svc:
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.REFERRAL_EVENTS)).start()
        await publish(producer, svc.topic(T.PARTNER_REFERRALS),
                      envelope(R.REQUESTED, req, subject=req["case_number"]), req["case_number"])
        rejected = (await out.wait_for(lambda es: [e for e in es if e["type"] == R.REJECTED]))[0]
        codes = sorted(r["code"] for r in rejected["data"]["reasons"])
        assert codes == ["cppp_consent_missing", "cppp_proceedings_not_eligible", "invalid_email",
                         "route_not_allowed", "unknown_cafcass_area"]
        assert "not-an-email" not in json.dumps(rejected)
        await out.stop()


async def send_all(producer, topic: str, values: list[dict], key: str, together: bool) -> None:
    """`together`: one produce request, so the service gets them in one batch and its set-based
    handler decides them as one run (each must still see the ones before it)."""
    for value in values:
        if together:
            await producer.send(topic, json.dumps(value).encode(), key=key.encode())
        else:
            await publish(producer, topic, value, key)
    await producer.flush()


@pytest.mark.parametrize("together", [False, True], ids=["one-by-one", "one-batch"])
async def test_a_repeat_has_one_effect_and_a_second_active_referral_is_refused(settings, producer, together):
    req = referral()
    ev = envelope(R.REQUESTED, req, subject=req["case_number"])
    again_other_id = envelope(R.REQUESTED, req, subject=req["case_number"])
    second = referral(person=req["parent"]["person_id"])
    async with running(SPEC, settings) as svc:
        topic = svc.topic(T.PARTNER_REFERRALS)
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.REFERRAL_EVENTS)).start()
        await send_all(producer, topic, [ev, ev, again_other_id, envelope(R.REQUESTED, second,
                                                                          subject=second["case_number"])],
                       req["case_number"], together)
        await out.wait_for(lambda es: len(es) >= 2, what="two outcomes")
        await asyncio.sleep(1.0)  # give a wrong extra event the chance to show up
        await out.poll()
        types = [e["type"] for e in out.events()]
        assert types.count(R.ACCEPTED) == 1
        rejected = [e for e in out.events() if e["type"] == R.REJECTED]
        assert len(rejected) == 1 and rejected[0]["data"]["reasons"][0]["code"] == "already_active"
        count = await svc.pool.fetchval("SELECT count(*) FROM referrals")
        assert count == 2
        # Decided in the set-based handler itself: the unique indexes would otherwise send the
        # batch to the one-at-a-time replay, which gets the same answer and would hide a bug.
        assert svc.metrics.counters["batch_replays_total"] == 0
        await out.stop()


@pytest.mark.parametrize("together", [False, True], ids=["one-by-one", "one-batch"])
async def test_withdrawal_is_published_and_allows_a_re_referral(settings, producer, together):
    req = referral()
    case = req["case_number"]
    async with running(SPEC, settings) as svc:
        topic = svc.topic(T.PARTNER_REFERRALS)
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.REFERRAL_EVENTS)).start()
        again = referral(case=case, person=req["parent"]["person_id"])
        await send_all(producer, topic, [
            envelope(R.REQUESTED, req, subject=case),
            envelope(R.WITHDRAWN, {"referral_id": req["referral_id"], "reason": "order varied"}, subject=case),
            envelope(R.REQUESTED, again, subject=case)], case, together)
        events = await out.wait_for(lambda es: len(es) >= 3 and es, what="three events")
        assert [e["type"] for e in events] == [R.ACCEPTED, R.WITHDRAWAL_ACCEPTED, R.ACCEPTED]
        assert events[2]["data"]["re_referral"] is True
        assert svc.metrics.counters["batch_replays_total"] == 0
        await out.stop()


async def test_unknown_withdrawal_is_dead_lettered_with_reason(settings, producer):
    case = uid("C")
    async with running(SPEC, settings) as svc:
        dl = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        await publish(producer, svc.topic(T.PARTNER_REFERRALS),
                      envelope(R.WITHDRAWN, {"referral_id": "nope", "reason": "x"}, subject=case), case)
        await dl.wait_for(lambda es: dl.records, what="dead letter")
        headers = dict(dl.records[0].headers)
        assert headers["ptfc-reason"] == b"no accepted referral with this referral_id"
        await dl.stop()
