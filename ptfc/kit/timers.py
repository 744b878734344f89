"""Durable timers: scheduled in a handler's transaction, fired once by the service's clock.

`due_at` is programme time (computed from events' own `time`); the injectable clock only decides
*when* we look. A timer fires in a transaction with its effects, so a crash before commit fires
it again and a crash after commit never does.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable

import asyncpg

from ptfc.kit.logging import get_logger
from ptfc.kit import outbox
from ptfc.kit.handling import Emitting
from ptfc.kit.deadletter import error_detail
from ptfc.kit.outbox import Emitter
from ptfc.kit.retry import TRANSIENT, poll

log = get_logger()


async def schedule(conn: asyncpg.Connection, kind: str, key: str, subject: str, due_at: datetime,
                   payload: dict | None = None) -> None:
    await schedule_many(conn, [(kind, key, subject, due_at, payload)])


async def schedule_many(conn: asyncpg.Connection,
                        timers: list[tuple[str, str, str, datetime, dict | None]]) -> None:
    """(kind, key, subject, due_at, payload) each, in one statement. The first of a (kind, key)
    wins, whether it was scheduled earlier or earlier in this list."""
    if timers:
        kinds, keys, subjects, dues, payloads = zip(*timers)
        await conn.execute(
            "INSERT INTO timers(kind, key, subject, due_at, payload) SELECT k, y, s, d, p::jsonb FROM "
            "unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS u(k, y, s, d, p) "
            "ON CONFLICT (kind, key) DO NOTHING",  # JSON as text: a list in an array parameter is a dimension
            kinds, keys, subjects, dues, [json.dumps(p or {}) for p in payloads])


async def cancel(conn: asyncpg.Connection, kind: str, key: str) -> None:
    """Skips a timer the loop holds right now (it is firing): waiting for it could deadlock with
    a lock the handler takes, so timer handlers must re-check state when they fire."""
    await conn.execute(
        "DELETE FROM timers WHERE id IN (SELECT id FROM timers WHERE kind = $1 AND key = $2 "
        "AND fired_at IS NULL FOR UPDATE SKIP LOCKED)", kind, key)


@dataclass
class Timer:
    id: int
    kind: str
    key: str
    subject: str
    due_at: datetime
    payload: dict


@dataclass
class TimerContext(Emitting):
    """A timer handler's: connection, emit and service as an event handler's, and the timer."""

    timer: Timer


TimerHandler = Callable[[TimerContext], Awaitable[None]]


class TimerLoop:
    def __init__(self, svc: Any, handlers: dict[str, TimerHandler], interval: float = 0.5) -> None:
        self.svc, self.handlers, self.interval = svc, handlers, interval

    async def run(self) -> None:
        await poll(self.fire_due, self.interval, "timers", log)

    async def fire_due(self, limit: int = 200) -> int:
        """Fire every timer due by the clock's now; returns how many were handled."""
        now = self.svc.clock.now()
        async with self.svc.pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(
                    "SELECT id, kind, key, subject, due_at, payload FROM timers "
                    "WHERE fired_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2 "
                    "FOR UPDATE SKIP LOCKED", now, limit)
                for row in rows:
                    await self._fire(conn, Timer(**dict(row)))
        return len(rows)

    async def _fire(self, conn: asyncpg.Connection, timer: Timer) -> None:
        handler = self.handlers.get(timer.kind)
        error = None
        if handler is not None:
            try:
                async with conn.transaction():
                    emitter = Emitter(self.svc.source, f"timer|{timer.kind}|{timer.key}",
                                      timer.due_at, timer.subject, self.svc.topic)
                    await handler(TimerContext(conn=conn, emitter=emitter, service=self.svc, timer=timer))
                    await outbox.write(conn, emitter.rows)
            except TRANSIENT:
                raise
            except Exception as exc:
                error = f"{type(exc).__name__}: {error_detail(exc, 480)}"
                log.error("timer.failed", kind=timer.kind, timer_id=timer.id, case=timer.subject, error=error)
                attempts = await conn.fetchval(
                    "UPDATE timers SET attempts = attempts + 1, error = $2 WHERE id = $1 RETURNING attempts",
                    timer.id, error)
                if attempts < self.svc.settings.max_attempts:
                    return  # tried again on the next tick
        await conn.execute("UPDATE timers SET fired_at = now() WHERE id = $1", timer.id)
        self.svc.metrics.inc("timers_fired_total")
