"""Durable timers: scheduled in a handler's transaction, fired once by the service's clock.

`due_at` is programme time (computed from events' own `time`); the injectable clock only decides
*when* we look. A timer fires in a transaction with its effects, so a crash before commit fires
it again and a crash after commit never does.

A timer may fire long after its due time (a replay holds every timer until it ends:
ptfc/kit/replay.py), when facts from after that time have been read too. So a handler judges as
of `ctx.timer.due_at`, never as of now: the facts it counts are those whose own time is at or
before the due time, and anything it emits is dated by the due time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable

import asyncpg

from ptfc.kit.logging import get_logger
from ptfc.kit import outbox, replay
from ptfc.kit.handling import Emitting
from ptfc.kit.deadletter import error_detail
from ptfc.kit.outbox import Emitter
from ptfc.kit.retry import TRANSIENT, poll

log = get_logger()
ROUND_LOCK_TIMEOUT_MS = 200  # under PostgreSQL's deadlock_timeout (1 s): the round gives way first


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


async def cancel(conn: asyncpg.Connection, kind: str, key: str, at: datetime | None = None) -> None:
    """Skips a timer the loop holds right now (it is firing): waiting for it could deadlock with
    a lock the handler takes, so timer handlers must re-check state when they fire.

    `at`: the cancelling fact's own time. A timer due at or before it stays: live, it had fired
    before that fact was read (a replay held it), and its handler judges as of its due time."""
    await conn.execute(
        "DELETE FROM timers WHERE id IN (SELECT id FROM timers WHERE kind = $1 AND key = $2 "
        "AND fired_at IS NULL AND ($3::timestamptz IS NULL OR due_at > $3) FOR UPDATE SKIP LOCKED)",
        kind, key, at)


async def settle(ctx: Emitting, kind: str, keys: list[str], before: datetime) -> int:
    """Fires now, in the caller's transaction, the timers of `kind` with these keys that were due
    before `before` (the fact being applied: its own time) and are due by the clock but have not
    fired (a replay holds them): live, their effects came first, so the fact must find them."""
    rows = await ctx.conn.fetch(
        "SELECT id, kind, key, subject, due_at, payload FROM timers WHERE kind = $1 AND key = ANY($2::text[]) "
        "AND fired_at IS NULL AND due_at < $3 AND due_at <= $4 ORDER BY due_at, id FOR UPDATE SKIP LOCKED",
        kind, keys, before, ctx.service.clock.now())
    # Their events go out before the fact's own, as they would have. Returns how many fired.
    return sum([await fire(ctx.conn, ctx.service, ctx.service.spec.timers, Timer(**dict(row)), into=ctx.emitter.rows)
                for row in rows])


class Later(Exception):
    """Raised by a timer handler that must wait for an earlier timer: not fired, not an error."""


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
        from ptfc.kit import ordering  # it builds on this module
        self.svc, self.interval = svc, interval
        self.handlers = {**handlers, ordering.DEFERRED: ordering.apply_deferred}

    async def run(self) -> None:
        await poll(self.fire_due, self.interval, "timers", log)

    async def fire_due(self, limit: int = 25) -> int:
        """Fire every timer due by the clock's now, in due order; returns how many fired. While a
        replay is open, none. A round is one transaction holding its rows' locks, so it stays small:
        at 200, learning's certificate round (a PDF each) held parents' rows for 38 s (make chaos)."""
        async with self.svc.pool.acquire() as conn:
            async with conn.transaction():
                # A round never waits long for a row a consumer batch holds: the batch may be
                # waiting for one of this round's rows (timers it cancels), and the two then
                # deadlock (15 in 20 minutes of `make chaos`, learning's parents, each retried as a
                # whole batch). Past the timeout the timer waits for the next tick (see `fire`).
                await conn.execute(f"SET LOCAL lock_timeout = '{ROUND_LOCK_TIMEOUT_MS}ms'")
                until = replay.horizon(self.svc.clock.now(), await replay.open_replays(conn))
                if until is None:
                    return 0
                rows = await conn.fetch(
                    "SELECT id, kind, key, subject, due_at, payload FROM timers "
                    "WHERE fired_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2 "
                    "FOR UPDATE SKIP LOCKED", until, limit)
                fired, waiting = 0, set()
                for row in rows:
                    # A case's timers fire in due order: once one must wait, its later ones do too
                    # (a day-84 check never before the day-42 one).
                    if row["subject"] in waiting:
                        continue
                    if await fire(conn, self.svc, self.handlers, Timer(**dict(row))):
                        fired += 1
                    else:
                        waiting.add(row["subject"])
                return fired


async def fire(conn: asyncpg.Connection, svc: Any, handlers: dict[str, TimerHandler], timer: Timer,
               into: list | None = None) -> bool:
    """One timer in a savepoint with its effects; False when it must wait (`Later`) or be tried
    again. `into`: a caller's outbox rows to add its events to (in order), else written here."""
    handler = handlers.get(timer.kind)
    if handler is not None:
        try:
            async with conn.transaction():
                emitter = Emitter(svc.source, f"timer|{timer.kind}|{timer.key}", timer.due_at, timer.subject,
                                  svc.topic)
                await handler(TimerContext(conn=conn, emitter=emitter, service=svc, timer=timer))
                if into is None:
                    await outbox.write(conn, emitter.rows)
                else:
                    into.extend(emitter.rows)
        except (Later, asyncpg.LockNotAvailableError):
            return False  # an earlier timer of its case goes first, or a batch holds its rows
        except TRANSIENT:
            raise  # the database or broker is away: the whole round is tried again
        except Exception as exc:
            error = f"{type(exc).__name__}: {error_detail(exc, 480)}"
            log.error("timer.failed", kind=timer.kind, timer_id=timer.id, case=timer.subject, error=error)
            attempts = await conn.fetchval(
                "UPDATE timers SET attempts = attempts + 1, error = $2 WHERE id = $1 RETURNING attempts",
                timer.id, error)
            if attempts < svc.settings.max_attempts:
                return False  # tried again on the next tick
    await conn.execute("UPDATE timers SET fired_at = now() WHERE id = $1", timer.id)
    svc.metrics.inc("timers_fired_total")
    return True
