"""Programme order: an event never overtakes a timer of its case that is already due.

Live, a timer fires when its due time comes, before any later fact of its case is read: a parent
reported at day 42 who finishes the workshop at day 50 was reported, and the late workshop changes
nothing. Replayed history (timers held: ptfc/kit/replay.py), or a service catching up after an
outage, reads that day-50 fact before the day-42 timer fired. In a service that opts in
(`ServiceSpec.programme_order`), such an event is deferred: kept as a timer due at its own time,
so the timer loop applies it after every earlier timer of the case, in due order, exactly as live
traffic met them. An event of a case with no due timer is applied at once, as before.

Rules for the services that opt in: a timer's subject is the case number of the event that
scheduled it (the key events carry), and a handler schedules timers for its own event's case only.
Referral opts in (what the FCA and court are told). Learning and workshops do not: their facts are
what referral's day-42 check reads, so deferring them would hold those facts back until after the
check fired; their timer handlers judge as of their due time instead (stored event times).
"""
from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import asyncpg

from ptfc.kit import outbox, parking
from ptfc.kit.decode import Decoded, decode
from ptfc.kit.parking import StoredRecord
from ptfc.kit.timers import Later, TimerContext, schedule_many

DEFERRED = "kit:deferred"


def overtakes(event_time: datetime, due_at: datetime | None, now: datetime) -> bool:
    """The event came after a timer of its case that is due by the clock and has not fired. A tie
    is not overtaking: a fact at the very due time counts as before it (completion wins a tie). A
    timer not yet due by the clock (tests that hold time still) is no reason to wait."""
    return due_at is not None and due_at < event_time and due_at <= now


def enabled(svc: Any) -> bool:
    return bool(getattr(getattr(svc, "spec", None), "programme_order", False))


async def earliest_due(conn: asyncpg.Connection, subjects: list[str], now: datetime) -> dict[str, datetime]:
    """Each case's earliest pending timer that is due by `now` (deferred events count: order holds)."""
    rows = await conn.fetch("SELECT subject, min(due_at) AS due FROM timers WHERE fired_at IS NULL "
                            "AND subject = ANY($1::text[]) AND due_at <= $2 GROUP BY subject", subjects, now)
    return {r["subject"]: r["due"] for r in rows}


class BatchOrder:
    """Decides, run by run, which events of a batch wait: one query for the batch's cases, and
    again only for a case an earlier run of the batch touched (its handler may have scheduled)."""

    def __init__(self, svc: Any) -> None:
        self.svc, self.on = svc, enabled(svc)
        self.due: dict[str, datetime | None] = {}
        self.touched: set[str] = set()

    async def prefetch(self, conn: asyncpg.Connection, events: list[Decoded]) -> None:
        """The batch's cases at once: most runs then ask nothing more."""
        if self.on and events:
            subjects = list({d.event.subject for d in events})
            got = await earliest_due(conn, subjects, self.svc.clock.now())
            self.due.update({s: got.get(s) for s in subjects})

    def cuts(self, run: list[Decoded], d: Decoded) -> bool:
        """A run ends before a second event of one case: the first may schedule what the second
        must wait for (a back-dated referral's day-42 check, then its day-50 withdrawal)."""
        return self.on and any(r.event.subject == d.event.subject for r in run)

    async def split(self, conn: asyncpg.Connection, run: list[Decoded]) -> list[Decoded]:
        """Defers the events of `run` that overtake a due timer; returns those to apply now."""
        if not self.on or not run:
            return run
        now = self.svc.clock.now()
        ask = [s for s in {d.event.subject for d in run} if s not in self.due or s in self.touched]
        if ask:
            got = await earliest_due(conn, ask, now)
            self.due.update({s: got.get(s) for s in ask})
            self.touched.difference_update(ask)
        waits = [overtakes(d.event.time, self.due[d.event.subject], now) for d in run]
        apply = [d for d, w in zip(run, waits) if not w]
        later = [d for d, w in zip(run, waits) if w]
        if later:
            await defer(conn, later, now)
            self.svc.metrics.inc("events_deferred_total", len(later))
        self.touched.update(d.event.subject for d in apply)
        return apply


async def defer(conn: asyncpg.Connection, later: list[Decoded], now: datetime) -> None:
    """Each event as a timer due at its own time, keyed by its idempotency key. The record is kept
    only until it is applied (then the payload is emptied). An event dated after the clock (a
    partner's future `time`) is due now, still after the timers it waits for: else it would be
    held, neither applied nor refused, until that date."""
    def b64(raw: bytes | None) -> str | None:
        return base64.b64encode(raw).decode("ascii") if raw is not None else None
    await schedule_many(conn, [
        (DEFERRED, f"{d.event.source}|{d.event.id}", d.event.subject, min(d.event.time, now),
         {"topic": d.record.topic, "partition": d.record.partition, "offset": d.record.offset,
          "key": b64(d.record.key), "value": b64(d.record.value)}) for d in later])


async def apply_deferred(ctx: TimerContext) -> None:
    """The timer handler of a deferred event: applied as the consumer would have, once every
    earlier timer of its case has fired (one scheduled since, by an earlier timer, goes first)."""
    conn, timer = ctx.conn, ctx.timer
    if await conn.fetchval("SELECT true FROM timers WHERE subject = $1 AND fired_at IS NULL AND id <> $2 "
                           "AND (due_at, id) < ($3, $2) AND due_at <= $4 LIMIT 1",
                           timer.subject, timer.id, timer.due_at, ctx.service.clock.now()):
        raise Later()
    p = timer.payload
    if p.get("value") is not None:
        consumer = ctx.service.consumer
        rec = StoredRecord(p["topic"], p["partition"], p["offset"],
                           base64.b64decode(p["key"]) if p.get("key") else None, base64.b64decode(p["value"]))
        d = decode(rec, consumer.routes[rec.topic])
        if d.event is None:  # decoded when it came; only a changed route could refuse it now
            await consumer.dead(conn, rec, d.reason or "no longer handled here")
        else:
            rows, waits_for = await consumer.apply_one(conn, d)
            await outbox.write(conn, rows)
            if waits_for is not None:  # it needs a fact from another topic first: parked, as it would be
                await parking.park(conn, rec, waits_for)
    await conn.execute("UPDATE timers SET payload = '{}' WHERE id = $1", timer.id)
