"""Hostile partner input against the real broker and database: each message costs only itself.

Every class of message that once halted a service (JSON nested thousands deep, NUL in the
envelope, a year-9999 date, ...) is sent with good referrals between and after them. All good
ones are accepted, every hostile one is dead-lettered with a reason that never repeats its
values, and the service stays ready."""
from __future__ import annotations

import json
import random

from contracts import referral as R
from contracts import topics as T
from services.referral.app import SPEC as REFERRAL
from tests.support import hostile
from tests.support.builders import uid
from tests.support.kafka import TopicReader, eventually
from tests.support.services import running


def corpus(seed: int, n: int) -> list[bytes]:
    """A generated corpus: each message a referral of its own (unique event and referral ids) with
    one field replaced by junk. Some junk is still valid (then it is answered on the events topic),
    most is not (a dead letter): either way, exactly one answer each."""
    rng = random.Random(seed)
    fields = ["source", "subject", "time", "data.route", "data.ordered_on", "data.parent.given_name",
              "data.parent", "data.co_parent_person_ids", "data.plan_suitable", "data.fca.name", "data"]
    junk = [None, 1, -1, 1.5, True, "", "\u0000", f"{hostile.MARK}\r\nBcc: x@y", "9999-12-31", [], {},
            [hostile.MARK] * 50, {"a": [{"b": None}]}, "\ud7ff\ue000", "x" * 1000, "2026-13-45T25:61:00Z"]
    out = []
    for i in range(n):
        env = json.loads(hostile._with(rng.choice(fields), rng.choice(junk)))  # noqa: SLF001
        env["id"] = f"junk-{i}"
        if isinstance(env.get("data"), dict):
            env["data"]["referral_id"] = f"RJ-{i}"
        out.append(json.dumps(env).encode())
    return out


async def test_hostile_messages_cost_only_themselves(settings, producer):
    refused, junk = list(hostile.classes().values()), corpus(seed=14, n=150)
    bad = refused + junk
    goods = [(uid("R"), uid("P"), uid("C")) for _ in range(len(bad) // 10 + 2)]
    async with running(REFERRAL, settings) as svc:
        topic = svc.topic(T.PARTNER_REFERRALS)
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.REFERRAL_EVENTS)).start()
        dl = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        for n, value in enumerate(bad):  # one key for all: one partition, so nothing can hide behind
            await producer.send(topic, value, key=b"C-hostile")
            if n % 10 == 0:
                r, p, c = goods[n // 10]
                await producer.send(topic, hostile.good_referral(r, p, "C-hostile"), key=b"C-hostile")
        r, p, _ = goods[-1]  # the last message on the partition is a good one
        await producer.send_and_wait(topic, hostile.good_referral(r, p, "C-hostile"), key=b"C-hostile")

        sent_ok = {g[0] for g in goods[: len(bad) // 10 + 1]} | {goods[-1][0]}
        accepted = await out.wait_for(
            lambda es: {e["data"]["referral_id"] for e in es if e["type"] == R.ACCEPTED} >= sent_ok and es,
            timeout=90, what="every good referral accepted")
        assert not [e for e in accepted if e["type"] == R.REJECTED and e["data"]["referral_id"] in sent_ok]

        def answered() -> set[str]:
            return {e["data"]["referral_id"] for e in out.events() if e["type"] in (R.ACCEPTED, R.REJECTED)
                    and e["data"]["referral_id"].startswith("RJ-")}

        async def all_answered() -> bool:
            await out.poll(); await dl.poll()
            return len(dl.records) + len(answered()) >= len(bad)
        await eventually(all_answered, timeout=60, what="an answer for every hostile message")
        await dl.read_to_end(); await out.read_to_end()
        assert len(dl.records) + len(answered()) == len(bad)
        dead = {r.value for r in dl.records}
        assert set(refused) <= dead, "every class of hostile message is a dead letter"
        reasons = [dict(r.headers)["ptfc-reason"].decode() for r in dl.records]
        assert all(reasons) and not [x for x in reasons if hostile.MARK in x or "<script>" in x]
        # Byte for byte, as the contract says, for what partners can correct and resend.
        assert dead <= set(bad)
        print(f"hostile: {len(refused)} classes + {len(junk)} generated; dead-lettered {len(dl.records)}, "
              f"answered on the events topic {len(answered())}")
        assert svc.health.consumer_ok and svc.metrics.counters["consumer_stalls_total"] == 0
        await out.stop(); await dl.stop()
