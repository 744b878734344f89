"""The kit's consumer against the real broker and database: dead letters, repeats, failures."""
from __future__ import annotations

import json

from contracts import learning as L
from contracts import topics as T
from tests.support.builders import uid
from tests.support.deadletters import kept, published_nothing
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.probe import app as probe
from tests.support.services import running

HUB = "/partners/parent-hub"


def activated(person: str, case: str) -> dict:
    return envelope(L.ACCOUNT_ACTIVATED, {"person_id": person}, subject=case, source=HUB)


async def effects(svc, person: str) -> int:
    return await svc.pool.fetchval("SELECT count(*) FROM effects WHERE person_id = $1", person)


async def test_bad_input_is_dead_lettered_and_good_messages_behind_it_are_processed(settings, producer):
    case, good = uid("C"), uid("P")
    junk = bytes(range(256)) * 4096  # 1 MiB, not UTF-8
    bad = [
        (b"not json at all", "not JSON"),
        (json.dumps({"hello": "world"}).encode(), "not a CloudEvents 1.0 envelope"),
        (json.dumps(envelope("ptfc.unknown.v1", {}, subject=case)).encode(), "unknown type"),
        (json.dumps(envelope(L.ACCOUNT_ACTIVATED, {"person": 1}, subject=case)).encode(), "data does not match"),
        (junk, "not JSON"),
    ]
    async with running(probe.SPEC, settings) as svc:
        dl = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        topic = svc.topic(T.PARTNER_LEARNING)
        for value, _ in bad:
            await publish(producer, topic, value, case)
        await publish(producer, topic, activated(good, case), case)
        await eventually(lambda: effects(svc, good), what="good message processed")
        await dl.wait_for(lambda _: len(dl.records) >= len(bad), what="five dead letters")
        by_offset = sorted(dl.records, key=lambda r: int(dict(r.headers)["ptfc-origin-offset"]))
        for rec, (value, reason) in zip(by_offset, bad):
            h = {k: v.decode() for k, v in rec.headers}
            assert reason in h["ptfc-reason"], h["ptfc-reason"]
            assert h["ptfc-origin-topic"] == topic and h["ptfc-service"] == "probe"
            assert h["ptfc-origin-partition"].isdigit()
            # Kept unchanged by the refusing service; nothing of it on the topic partners read.
            assert published_nothing(rec) and await kept(svc.pool, rec) == value
        await dl.stop()


async def test_a_repeated_event_has_one_effect(settings, producer):
    case, person = uid("C"), uid("P")
    ev = activated(person, case)
    async with running(probe.SPEC, settings) as svc:
        out = await TopicReader(settings.kafka_bootstrap_servers, svc.topic(T.LEARNING_EVENTS)).start()
        for _ in range(3):
            await publish(producer, svc.topic(T.PARTNER_LEARNING), ev, case)
        marker = uid("P")
        await publish(producer, svc.topic(T.PARTNER_LEARNING), activated(marker, case), case)
        await eventually(lambda: effects(svc, marker), what="marker processed")
        assert await effects(svc, person) == 1
        await out.wait_for(lambda es: len(es) >= 2, what="outputs")
        assert [e["data"]["person_id"] for e in out.events()] == [person, marker]
        assert svc.metrics.counters["duplicates_total"] == 2
        await out.stop()


async def test_failure_after_the_write_leaves_no_half_state_and_poison_is_dead_lettered(settings, producer):
    case, flaky, poison, after = uid("C"), uid("P"), uid("poison"), uid("P")
    probe.FAILURES[flaky] = 2  # fails twice after its INSERT, then succeeds
    s = settings.model_copy(update={"max_attempts": 3})
    async with running(probe.SPEC, s) as svc:
        dl = await TopicReader(s.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        for person in (flaky, poison, after):
            await publish(producer, svc.topic(T.PARTNER_LEARNING), activated(person, case), case)
        await eventually(lambda: effects(svc, after), what="message after the poison one")
        assert await effects(svc, flaky) == 1  # the two failed tries left nothing behind
        assert await effects(svc, poison) == 0
        await dl.wait_for(lambda _: dl.records, what="poison dead letter")
        reason = dict(dl.records[0].headers)["ptfc-reason"].decode()
        assert reason == "handler failed 3 times: RuntimeError"  # the type only: messages may quote data
        await dl.stop()


async def test_an_event_waits_for_a_fact_that_comes_later_then_expires_if_it_never_does(settings, producer):
    case, later, never = uid("C"), uid("wait"), uid("wait")
    s = settings.model_copy(update={"park_max_seconds": 4.0})
    async with running(probe.SPEC, s) as svc:
        dl = await TopicReader(s.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        topic = svc.topic(T.PARTNER_LEARNING)
        for person in (later, never):
            await publish(producer, topic, activated(person, case), case)
        await eventually(lambda: svc.pool.fetchval("SELECT count(*) = 2 FROM parked"), what="both parked")
        assert await effects(svc, later) == 0
        await publish(producer, topic, envelope(L.MODULE_COMPLETED, {"person_id": later, "module": "m1"},
                                                subject=case, source=HUB), case)
        await eventually(lambda: effects(svc, later), timeout=15, what="the waiting event applied")
        await dl.wait_for(lambda _: dl.records, timeout=20, what="the other one expired")
        assert dict(dl.records[0].headers)["ptfc-reason"] == b"this person is not known yet"
        assert json.loads(await kept(svc.pool, dl.records[0]))["data"]["person_id"] == never
        assert await effects(svc, later) == 1 and await effects(svc, never) == 0
        assert await svc.pool.fetchval("SELECT count(*) FROM parked") == 0
        await dl.stop()


async def test_a_batched_handler_gets_runs_and_a_poison_event_in_a_run_costs_only_itself(settings, producer):
    """Fast path: consecutive events go to a @batched handler together. A failure anywhere in the
    run sends the batch to the careful replay, one event at a time: the rest applied once, in
    order, and the poison one dead-lettered."""
    case = uid("C")
    people = [uid("P") for _ in range(30)]
    people.insert(15, uid("poison"))
    s = settings.model_copy(update={"max_attempts": 2})
    probe.RUNS.clear()
    async with running(probe.SPEC, s) as svc:
        out = await TopicReader(s.kafka_bootstrap_servers, svc.topic(T.LEARNING_EVENTS)).start()
        dl = await TopicReader(s.kafka_bootstrap_servers, svc.topic(T.DEADLETTER)).start()
        topic = svc.topic(T.PARTNER_LEARNING)
        for person in people:  # one produce request, so one fetch is likely to hold them all
            await producer.send(topic, json.dumps(envelope(L.SURVEY_SUBMITTED, {
                "person_id": person, "survey": "progress", "answers": {}}, subject=case, source=HUB)).encode(),
                key=case.encode())
        await producer.flush()
        await out.wait_for(lambda es: len(es) >= 30, what="the 30 good events applied")
        await dl.wait_for(lambda _: dl.records, what="the poison one dead-lettered")
        assert [e["data"]["person_id"] for e in out.events()] == [p for p in people if not p.startswith("poison")]
        counts = dict(await svc.pool.fetch("SELECT person_id, count(*) FROM effects WHERE person_id = ANY($1) "
                                           "GROUP BY person_id", people))
        assert counts == {p: 1 for p in people if not p.startswith("poison")}
        assert max(probe.RUNS) > 1, probe.RUNS  # handed over as a run...
        assert 1 in probe.RUNS  # ...and one at a time in the careful replay
        assert json.loads(await kept(svc.pool, dl.records[0]))["data"]["person_id"] == people[15]
        await out.stop()
        await dl.stop()
