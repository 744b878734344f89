"""Applying one event, or one run of events, inside the consumer's transaction.

The consumer (ptfc/kit/consumer.py) decides how a batch is tried; this is what each try does:
the inbox row (the idempotency key), the handler in a savepoint, bounded retries of a failing
handler, parking (NotYet) and dead letters. The parking loop applies events through it too, so
there is one classification of failures, one log line and one reason format.
"""
from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from ptfc.kit import deadletter, parking
from ptfc.kit.decode import Decoded
from ptfc.kit.handling import Context, call, is_batched
from ptfc.kit.logging import get_logger, scrub_text
from ptfc.kit.outbox import Emitter
from ptfc.kit.retry import TRANSIENT, backoff

log = get_logger()


class RunFailed(Exception):
    """The fast path's run raised: the consumer re-applies the batch one message at a time."""


class EventApplier:
    svc: Any
    settings: Any

    async def _inbox(self, conn: asyncpg.Connection, events: list[Decoded]) -> set[tuple[str, str]]:
        """One statement for the whole batch; returns the (source, id) pairs not seen before."""
        if not events:
            return set()
        got = await conn.fetch(
            "INSERT INTO inbox(source, id, type) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) "
            "ON CONFLICT DO NOTHING RETURNING source, id",
            [d.event.source for d in events], [d.event.id for d in events], [d.event.type for d in events])
        fresh = {(r["source"], r["id"]) for r in got}
        self.svc.metrics.inc("duplicates_total", len(events) - len(fresh))  # earlier and in-batch repeats
        return fresh

    def context(self, conn: asyncpg.Connection, d: Decoded) -> Context:
        ev = d.event
        return Context(conn=conn, event=ev, service=self.svc, emitter=Emitter(
            self.svc.source, f"{ev.source}|{ev.id}", ev.time, ev.subject, self.svc.topic))

    async def _fast(self, conn: asyncpg.Connection, run: list[Decoded]) -> list:
        ctxs = [self.context(conn, d) for d in run]
        try:
            await (run[0].handler(ctxs) if is_batched(run[0].handler) else run[0].handler(ctxs[0], run[0].event))
        except TRANSIENT:
            raise
        except Exception as exc:
            raise RunFailed() from exc
        self.svc.metrics.inc("events_handled_total", len(ctxs))
        return [row for ctx in ctxs for row in ctx.emitter.rows]  # event order, as decided

    async def _careful(self, conn: asyncpg.Connection, d: Decoded) -> list:
        rows, waits_for = await self.apply_one(conn, d)
        if waits_for is not None:
            await parking.park(conn, d.record, waits_for)
            self.svc.metrics.inc("events_parked_total")
        return rows

    async def apply_one(self, conn: asyncpg.Connection, d: Decoded) -> tuple[list, str | None]:
        """One event in a savepoint of its own, so a failure undoes only it; used by the careful
        replay and by the parking loop. Returns the rows it emitted, and the reason it must still
        wait (NotYet; it is then out of the inbox again, so applying it later is its first time)."""
        ev = d.event
        ids = {"case": ev.subject, "event_id": ev.id, "event_type": ev.type}
        for attempt in range(1, self.settings.max_attempts + 1):
            ctx = self.context(conn, d)
            try:
                async with conn.transaction():
                    await call(d.handler, ctx)
                self.svc.metrics.inc("events_handled_total")
                return ctx.emitter.rows, None
            except (*TRANSIENT, asyncpg.LockNotAvailableError):
                # A lock wait past a timer round's lock_timeout (ptfc/kit/timers.py: a deferred
                # event applied there): the round leaves the timer to its next tick, never a dead letter.
                raise
            except deadletter.NotYet as exc:
                await conn.execute("DELETE FROM inbox WHERE source = $1 AND id = $2", ev.source, ev.id)
                return [], exc.reason
            except deadletter.DeadLetter as exc:
                await self._dead(conn, d.record, exc.reason)
                return [], None
            except Exception as exc:  # a bug or a poison message: bounded retries
                log.warning("event.handler_failed", attempt=attempt, error=type(exc).__name__,
                            detail=deadletter.error_detail(exc), **ids)
                if attempt == self.settings.max_attempts:
                    # Partner-visible: the type only. The message (which may quote data) goes only
                    # to the scrubbed log line above.
                    await self._dead(conn, d.record, f"handler failed {attempt} times: {type(exc).__name__}")
                    return [], None
                await asyncio.sleep(backoff(attempt, self.settings.retry_base_seconds, 2.0))
        return [], None

    async def dead(self, conn: asyncpg.Connection, rec: Any, reason: str) -> None:
        await self._dead(conn, rec, reason)

    async def _dead(self, conn: asyncpg.Connection, rec: Any, reason: str) -> None:
        if await deadletter.record(conn, record=rec, reason=reason, service=self.svc.name,
                                   deadletter_topic=self.svc.topic("ptfc.deadletter"), instance=self.svc.instance):
            self.svc.metrics.inc("dead_letters_total")
            log.warning("event.dead_lettered", topic=rec.topic, partition=rec.partition,
                        offset=rec.offset, reason=scrub_text(reason)[:300])
