"""A replay of back-dated history holds every timer until it ends.

Cafcass moves cases already in flight onto the system by sending their history again, events
back-dated weeks or months (`time` is when each happened). Programme rules read those times, but a
timer fires when the clock passes its due time, and for back-dated history every timer is due at
once: a day-42 check would fire the moment its referral is accepted, before the e-learning and
workshop facts behind it had been read, and tell a court a parent failed who had not.

So while a replay is open no timer fires: `ptfc replay begin` publishes `ptfc.ops.replay-began.v1`
and waits until every service holds; the history is sent; `ptfc replay end` waits until every
service has read everything (consumer lag 0, outboxes drained, nothing parked) and publishes
`ptfc.ops.replay-ended.v1`. Then the timers fire in due order, each judging as of its own due time,
and an event that came after a due timer of its case follows it (ptfc/kit/ordering.py).

Every service reads `ptfc.ops.replay` through the kit (subscribe.py adds `ROUTE`) into its own
`replay_hold` table, so the hold survives restarts and needs nothing from another service.
"""
from __future__ import annotations

from datetime import datetime

import asyncpg

from contracts import ops
from contracts.envelope import CloudEvent
from ptfc.kit.handling import Context, Route
from ptfc.kit.logging import get_logger

log = get_logger()


def horizon(now: datetime, open_replays: int) -> datetime | None:
    """The latest due time a timer may have to fire now: none while a replay is open (the facts
    before a due time may not have been read yet); the clock's now otherwise."""
    return None if open_replays else now


async def open_replays(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM replay_hold WHERE ended_at IS NULL")


async def on_began(ctx: Context, event: CloudEvent[ops.ReplayBegan]) -> None:
    await ctx.conn.execute("INSERT INTO replay_hold(replay_id, began_at) VALUES ($1, $2) "
                           "ON CONFLICT (replay_id) DO UPDATE SET began_at = EXCLUDED.began_at",
                           event.data.replay_id, event.time)
    log.info("replay.began", replay_id=event.data.replay_id)


async def on_ended(ctx: Context, event: CloudEvent[ops.ReplayEnded]) -> None:
    # An ending read before its beginning (a batch reordered) still ends it: the row says so.
    await ctx.conn.execute("INSERT INTO replay_hold(replay_id, ended_at) VALUES ($1, $2) "
                           "ON CONFLICT (replay_id) DO UPDATE SET ended_at = EXCLUDED.ended_at",
                           event.data.replay_id, event.time)
    log.info("replay.ended", replay_id=event.data.replay_id)


# Commutative: the two facts land in one row whatever their order, so a read model whose every
# route is commutative (reporting) keeps its fast path.
ROUTE = Route({ops.REPLAY_BEGAN: on_began, ops.REPLAY_ENDED: on_ended}, commutative=True)
