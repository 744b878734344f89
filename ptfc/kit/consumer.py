"""The idempotent consumer: decode, dedupe (inbox), handle, commit, dead-letter.

Commit policy (decided here, not left to faststream's ack policies):
- a batch is applied in ONE Postgres transaction; Kafka offsets are committed only after it
  committed (manual ack), so a crash anywhere before that redelivers and the inbox drops repeats;
- fast path: no savepoints, and a run of consecutive events for one `@batched` handler is
  handed over as a list, so its SQL is set-based (a few statements per run, not per event:
  round trips are what the services spend their CPU on). If any handler raises, the whole
  transaction rolls back and the batch is re-applied carefully, one savepoint per message (a
  batched handler gets a list of one), so one bad message costs only itself;
- infrastructure failures (database or broker down) retry the whole batch with capped backoff
  for as long as they last: nothing is lost, nothing is dead-lettered for it, no hot loop;
- anything else is the batch's own fault and never retried forever: the careful pass stores each
  message's inbox row in its own savepoint too (a value the database refuses is dead-lettered),
  and if even that fails, every message gets a transaction of its own;
- a message whose handler keeps failing is retried `max_attempts` times, then dead-lettered, and
  the rest of the batch goes on; undecodable / invalid / unknown messages are dead-lettered at once.
"""
from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from ptfc.kit import deadletter, outbox, parking
from ptfc.kit.decode import Decoded, decode
from ptfc.kit.handling import Context, Route, call, is_batched
from ptfc.kit.logging import get_logger, scrub_text
from ptfc.kit.outbox import Emitter
from ptfc.kit.retry import TRANSIENT, backoff

log = get_logger()


class _Retry(Exception):
    """Fast path failed: re-apply the batch with a savepoint per message."""


class Consumer:
    def __init__(self, service: Any, routes: dict[str, Route], withheld: frozenset[str] | set[str] = frozenset()) -> None:
        self.svc, self.routes = service, routes
        self.withheld = withheld  # topics whose dead letters keep their bytes here, not on the topic
        self.settings = service.settings

    async def handle_batch(self, records: tuple) -> None:
        batch = [decode(rec, self.routes[rec.topic]) for rec in records]
        attempt = 0
        while True:
            try:
                async with self.svc.pool.acquire() as conn:
                    try:
                        async with conn.transaction():
                            await self._apply(conn, batch, careful=False)
                    except TRANSIENT:
                        raise
                    except Exception:  # a handler raised, or the database refused a value: one at a time
                        self.svc.metrics.inc("batch_replays_total")
                        try:
                            async with conn.transaction():
                                await self._apply(conn, batch, careful=True)
                        except TRANSIENT:
                            raise
                        except Exception as exc:  # not the infrastructure's: never retried forever
                            log.error("consumer.isolating_batch", size=len(batch), error=type(exc).__name__)
                            await self._isolated(conn, batch)
                self.svc.health.consumer_ok = True
                return
            except TRANSIENT as exc:
                attempt += 1
                self.svc.health.consumer_ok = False
                log.warning("consumer.retry_batch", attempt=attempt, size=len(records), error=type(exc).__name__)
                await asyncio.sleep(backoff(attempt, self.settings.retry_base_seconds, self.settings.retry_max_seconds))

    async def _apply(self, conn: asyncpg.Connection, batch: list[Decoded], careful: bool) -> None:
        if careful:
            rows: list = []
            for d in batch:
                rows += await self._one(conn, d)
            await outbox.write(conn, rows)
            return
        events = [d for d in batch if d.event is not None]
        fresh = await self._inbox(conn, events)
        rows = []
        run: list[Decoded] = []  # consecutive fresh events for one batched handler (fast path)
        for d in batch:
            if d.reason is not None:
                await self._dead(conn, d.record, d.reason)
            elif d.event is not None and (d.event.source, d.event.id) in fresh:
                fresh.discard((d.event.source, d.event.id))  # a repeat inside the batch runs once
                if run and not (is_batched(d.handler) and d.handler is run[0].handler):
                    rows += await self._fast(conn, run)
                    run = []
                run.append(d)
        if run:
            rows += await self._fast(conn, run)
        await outbox.write(conn, rows)

    async def _one(self, conn: asyncpg.Connection, d: Decoded) -> list:
        """One message carefully: its own inbox row in a savepoint (a value the database cannot
        store costs only this message), then its handler in savepoints of its own."""
        if d.reason is not None:
            await self._dead(conn, d.record, d.reason)
            return []
        if d.event is None:
            return []
        try:
            async with conn.transaction():
                fresh = await self._inbox(conn, [d])
        except TRANSIENT:
            raise
        except asyncpg.PostgresError as exc:
            await self._dead(conn, d.record, f"could not be stored: {type(exc).__name__}")
            return []
        return await self._careful(conn, d) if fresh else []

    async def _isolated(self, conn: asyncpg.Connection, batch: list[Decoded]) -> None:
        """Last resort, each message in a transaction of its own: one that still fails is
        dead-lettered on its own, so the partition always moves on."""
        for d in batch:
            try:
                async with conn.transaction():
                    await outbox.write(conn, await self._one(conn, d))
            except TRANSIENT:
                raise
            except Exception as exc:
                async with conn.transaction():
                    await self._dead(conn, d.record, f"could not be applied: {type(exc).__name__}")

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
            raise _Retry() from exc
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
            except TRANSIENT:
                raise
            except deadletter.NotYet as exc:  # before DeadLetter: it is one
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
                                   deadletter_topic=self.svc.topic("ptfc.deadletter"),
                                   withhold=rec.topic in self.withheld):
            self.svc.metrics.inc("dead_letters_total")
            log.warning("event.dead_lettered", topic=rec.topic, partition=rec.partition,
                        offset=rec.offset, reason=scrub_text(reason)[:300])
