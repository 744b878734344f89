"""Two lots side by side and two replicas of one lot: each lot's events are handled by its own
instances only, and exactly once between the replicas; a booking for another lot's parent is
refused at once."""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from contextlib import AsyncExitStack

from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts import topics as T
from contracts import workshop as W
from contracts.topics import namespaced
from ptfc.kit.clock import ManualClock
from services.workshops.app import SPEC
from tests.support.workshops import T0, Partner, Readers, drain
from tests.support.builders import uid
from tests.support.kafka import eventually
from tests.support.services import running

START = T0.replace(day=4)


def partner_partitions(svc, lot: str) -> set[int]:
    """The partitions of the lot's partner topic this instance consumes now."""
    topic = namespaced(svc.settings.topic_namespace, T.partner_workshops(lot))
    return {partition for t, partition in svc.assignment() if t == topic}


async def deciding(pool) -> bool:
    """Two transactions of the lot's database are waiting on a lock (the test's barrier, or the lot lock)."""
    return await pool.fetchval("SELECT count(*) >= 2 FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock'")


async def test_lots_are_apart_and_replicas_share_a_lot_exactly_once(settings, producer):
    clock = ManualClock(T0)
    lots = {p.lot: p for p in (Partner(producer, settings, "lot-north"), Partner(producer, settings, "lot-east"))}
    parents = {lot: [(uid("P"), uid("C")) for _ in range(4)] for lot in lots}
    session = uid("S")  # the same session id in both lots: two different sessions
    async with AsyncExitStack() as stack:
        n1, e1 = await asyncio.gather(
            stack.enter_async_context(running(SPEC, settings, clock=clock, lot="lot-north")),
            stack.enter_async_context(running(SPEC, settings, clock=clock, lot="lot-east")))
        n2 = await stack.enter_async_context(running(SPEC, settings, clock=clock, lot="lot-north"))
        out = await stack.enter_async_context(Readers(settings.kafka_bootstrap_servers, settings.topic_namespace))
        assert n1.database == n2.database != e1.database and n1.group_id == n2.group_id != e1.group_id

        def split() -> bool:
            a, b = partner_partitions(n1, "lot-north"), partner_partitions(n2, "lot-north")
            return a | b == {0, 1} and not a & b
        await eventually(split, what="the two north replicas splitting the north partner topic")
        assert not partner_partitions(n1, "lot-east") and not partner_partitions(e1, "lot-north")

        for lot, partner in lots.items():
            for person, case in parents[lot]:
                await partner.accepted(person, case)
            # North: four parents for one place, decided by two replicas at once.
            await partner.schedule(session, [(START, 150)], capacity=1 if lot == "lot-north" else 6)
        for svc in (n1, e1):
            await eventually(lambda s=svc: s.pool.fetchval(
                "SELECT (SELECT count(*) FROM parents) = 4 AND (SELECT count(*) FROM sessions) = 1"),
                what=f"{svc.instance} storing its lot's parents and session")
        sent = []
        async with n1.pool.acquire() as gate, gate.transaction():
            # A barrier: no booking can be written until both north replicas are deciding one (each
            # has read the session, or waits for the lot lock to read it). Without the lot lock both
            # would see a free place and take it.
            await gate.execute("LOCK TABLE bookings IN SHARE MODE")
            for lot, partner in lots.items():
                for n, (person, case) in enumerate(parents[lot]):
                    sent.append((partner, n, await partner.book(person, case, session, partition=n % 2)))
            await eventually(lambda: deciding(n1.pool), what="both north replicas deciding")
        decisions = (W.BOOKING_CONFIRMED, W.BOOKING_REFUSED)
        await out.events.wait_for(lambda es: len([e for e in es if e["type"] in decisions]) >= 8,
                                  what="a decision on each of the 8 requests")
        for partner, n, env in sent:
            # Each request again, unchanged, on the other partition (for the north: to the other
            # replica), as an at-least-once producer may: the inbox gives it no second effect.
            await partner.resend(env, partition=(n + 1) % 2)
        await eventually(lambda: sum(svc.metrics.counters["duplicates_total"] for svc in (n1, n2, e1)) == 8,
                         what="every repeat recognised")
        facts = await drain(out.events, n1.pool, e1.pool)
        emails = await drain(out.requests, n1.pool, e1.pool)

        for svc, lot, other in ((n1, "lot-north", "lot-east"), (e1, "lot-east", "lot-north")):
            booked = {r["person_id"] for r in await svc.pool.fetch("SELECT person_id FROM bookings")}
            assert booked <= {p for p, _ in parents[lot]} and len(booked) == (1 if lot == "lot-north" else 4)
            assert not await svc.pool.fetchval("SELECT count(*) FROM inbox WHERE source = $1", f"/partners/{other}")
        handled = [svc.metrics.counters["events_handled_total"] for svc in (n1, n2)]

    decided = Counter((f["data"]["person_id"], f["data"]["lot"]) for f in facts
                      if f["type"] in decisions)
    assert decided == Counter({(p, lot): 1 for lot in parents for p, _ in parents[lot]}), "decided twice"
    refused = [f["data"] for f in facts if f["type"] == W.BOOKING_REFUSED]
    assert [(r["lot"], r["reason"]) for r in refused] == [("lot-north", "session_full")] * 3
    mails = Counter(e["data"]["contact_id"] for e in emails if e["data"].get("template") == "workshop_booking_confirmed")
    assert sorted(mails.values()) == [1] * 5 and not {r["person_id"] for r in refused} & set(mails)
    assert all(n > 0 for n in handled), f"one north replica did all the work: {handled}"


async def from_now_on(bootstrap: str, topic: str) -> AIOKafkaConsumer:
    """A reader of what is published to `topic` from now on, polling every 20 ms (the test times a
    delivery: a reader's default 500 ms fetch wait would be most of it)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=20)
    await consumer.start()
    parts = [TopicPartition(topic, p) for p in await eventually(
        lambda: consumer.partitions_for_topic(topic), what=f"{topic} to exist")]
    consumer.assign(parts)
    await consumer.seek_to_end(*parts)
    for tp in parts:
        await consumer.position(tp)  # fix the end offsets now, before anything is published
    return consumer


async def first_event(consumer: AIOKafkaConsumer, type: str, person: str, timeout: float = 15.0) -> tuple[dict, float]:
    """The first event of `type` about `person`, and the monotonic time it was received."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for records in (await consumer.getmany(timeout_ms=50)).values():
            for record in records:
                event = json.loads(record.value)
                if event["type"] == type and event["data"]["person_id"] == person:
                    return event, time.monotonic()
    raise AssertionError(f"no {type} for {person} within {timeout}s")


async def test_a_booking_for_another_lots_parent_is_refused_at_once_and_not_parked(settings, producer):
    north, east = Partner(producer, settings, "lot-north"), Partner(producer, settings, "lot-east")
    person, case, session = uid("P"), uid("C"), uid("S")
    async with AsyncExitStack() as stack:
        svc = await stack.enter_async_context(running(SPEC, settings, clock=ManualClock(T0), lot="lot-north"))
        out = await stack.enter_async_context(Readers(settings.kafka_bootstrap_servers, settings.topic_namespace))
        events = await from_now_on(settings.kafka_bootstrap_servers,
                                   namespaced(settings.topic_namespace, T.WORKSHOPS_EVENTS))
        stack.push_async_callback(events.stop)
        await east.accepted(person, case)  # the east's parent; the north instance reads it too
        await north.schedule(session, [(START, 150)])  # a north session with room: not why it is refused
        await eventually(lambda: svc.pool.fetchval(
            "SELECT (SELECT lot FROM other_lot_acceptances WHERE person_id = $1) = 'lot-east' "
            "AND EXISTS (SELECT FROM sessions WHERE session_id = $2)", person, session),
            what="the north instance knowing the parent is the east's, and its session")

        published = time.monotonic()
        await north.book(person, case, session)
        refusal, received = await first_event(events, W.BOOKING_REFUSED, person)

        assert received - published < 1.0, f"refused after {received - published:.2f} s"
        assert (refusal["subject"], refusal["data"]["lot"], refusal["data"]["reason"],
                refusal["data"]["requested_session_id"]) == (case, "lot-north", "other_lot", session)
        # Not parked, so never dead-lettered later (PARK_MAX_SECONDS is 1 s in the tests).
        assert await svc.pool.fetchval("SELECT count(*) FROM parked") == 0
        facts = await drain(out.events, svc.pool)
        await out.dead.read_to_end()
        assert not out.dead.records and await svc.pool.fetchval("SELECT count(*) FROM dead_letters") == 0
        assert [f["type"] for f in facts if f["data"].get("person_id") == person] == [W.BOOKING_REFUSED]
        assert not await svc.pool.fetchval("SELECT count(*) FROM bookings WHERE person_id = $1", person)
