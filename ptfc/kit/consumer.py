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
  the rest of the batch goes on; undecodable / invalid / unknown messages are dead-lettered at once;
- in a service that keeps programme order, an event that came after a due timer of its case is
  taken in but applied only after that timer fired (ptfc/kit/ordering.py).
"""
from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from ptfc.kit import outbox
from ptfc.kit.applying import EventApplier
from ptfc.kit.decode import Decoded, decode
from ptfc.kit.handling import Route, is_batched
from ptfc.kit.logging import get_logger
from ptfc.kit.ordering import BatchOrder
from ptfc.kit.retry import TRANSIENT, backoff

log = get_logger()


class Consumer(EventApplier):
    def __init__(self, service: Any, routes: dict[str, Route]) -> None:
        self.svc, self.routes = service, routes
        # Load-bearing only where every route says so: order is otherwise the partition's order.
        self.commutative = bool(routes) and all(r.commutative for r in routes.values())
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
        order = BatchOrder(self.svc)  # which events wait behind a due timer of their case
        if careful:
            rows: list = []
            for d in batch:
                rows += await self._one(conn, d, order)
            await outbox.write(conn, rows)
            return
        events = [d for d in batch if d.event is not None]
        fresh = await self._inbox(conn, events)
        await order.prefetch(conn, [d for d in events if (d.event.source, d.event.id) in fresh])
        rows = []
        run: list[Decoded] = []  # consecutive fresh events for one batched handler (fast path)
        if self.commutative:  # one run per handler: a stable sort keeps each handler's own order
            batch = sorted(batch, key=lambda d: id(d.handler))
        for d in batch:
            if d.reason is not None:
                await self._dead(conn, d.record, d.reason)
            elif d.event is not None and (d.event.source, d.event.id) in fresh:
                fresh.discard((d.event.source, d.event.id))  # a repeat inside the batch runs once
                if run and (not (is_batched(d.handler) and d.handler is run[0].handler) or order.cuts(run, d)):
                    rows += await self._ordered(conn, order, run)
                    run = []
                run.append(d)
        if run:
            rows += await self._ordered(conn, order, run)
        await outbox.write(conn, rows)

    async def _ordered(self, conn: asyncpg.Connection, order: BatchOrder, run: list[Decoded]) -> list:
        """A run on the fast path, less its events that wait behind a due timer of their case."""
        run = await order.split(conn, run)
        return await self._fast(conn, run) if run else []

    async def _one(self, conn: asyncpg.Connection, d: Decoded, order: BatchOrder | None = None) -> list:
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
        if not fresh or not await (order or BatchOrder(self.svc)).split(conn, [d]):
            return []  # a repeat, or deferred behind a due timer of its case
        return await self._careful(conn, d)

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
