"""Two lots side by side and two replicas of one lot: each lot's events are handled by its own
instances only, and exactly once between the replicas. (A booking for another lot's parent, refused
at once: test_workshops_booking.py, on both tiers.)"""
from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import AsyncExitStack

from contracts import topics as T
from contracts import workshop as W
from contracts.topics import namespaced
from ptfc.kit.clock import ManualClock
from services.workshops.app import SPEC
from tests.support.builders import uid
from tests.support.kafka import eventually
from tests.support.services import running
from tests.support.workshops import T0, Partner, Publisher, Readers, drain

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
    to = Publisher(producer, settings)
    lots = {p.lot: p for p in (Partner(to, "lot-north"), Partner(to, "lot-east"))}
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
    mails = Counter(e["data"]["contact_id"] for e in emails
                    if e["data"].get("template") == "workshop_booking_confirmed")
    assert sorted(mails.values()) == [1] * 5 and not {r["person_id"] for r in refused} & set(mails)
    assert all(n > 0 for n in handled), f"one north replica did all the work: {handled}"
