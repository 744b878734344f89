"""`ptfc replay begin|wait|end`: every timer holds while the history of cases in flight is replayed.

`begin` publishes `ptfc.ops.replay-began.v1` and waits until every service that runs timers holds
(its own database has the replay: ptfc/kit/replay.py), so no replayed referral's day-42 check can
fire before the facts behind it are read. `wait` waits until the system has caught up with all that
was sent (every consumer group's lag 0, every outbox sent, nothing parked, in two rounds running),
showing progress: history is sent in waves with a `wait` between them (README, "Migrating cases in
flight"). `end` waits so too, then publishes `ptfc.ops.replay-ended.v1`: timers fire again, in due
order, each as of its own due time.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Awaitable, Callable

import asyncpg

from contracts import ops
from contracts.topics import OPS_REPLAY
from ptfc.kit import db
from ptfc.kit.operator import publish_as_operator
from ptfc.kit.service import database_of
from ptfc.kit.settings import Settings

SUBJECT = "ops-replay"  # the control facts' key: one partition, in order
Lags = Callable[[], Awaitable[dict[str, int | None]]]


class ReplayError(RuntimeError):
    pass


@dataclass(frozen=True)
class Target:
    """A service instance, the database it keeps its state in, and whether it runs timers."""

    label: str
    dsn: str
    timers: bool


@dataclass(frozen=True)
class Round:
    """One look at the system: each instance's consumer lag (None: nothing committed yet), and
    each database's unsent outbox rows and parked events."""

    lags: dict[str, int | None]
    unsent: dict[str, int]
    parked: dict[str, int]

    def clean(self) -> bool:
        return (all(lag == 0 for lag in self.lags.values()) and not any(self.unsent.values())
                and not any(self.parked.values()))

    def line(self) -> str:
        behind = {k: v for k, v in self.lags.items() if v != 0}
        lag = ", ".join(f"{k} {'not started' if v is None else f'{v:,}'}" for k, v in sorted(behind.items()))
        return (f"lag {sum(v or 0 for v in behind.values()):,}" + (f" ({lag})" if lag else "")
                + f"; unsent {sum(self.unsent.values()):,}; parked {sum(self.parked.values()):,}")


def targets(settings: Settings) -> list[Target]:
    """Every instance `ptfc run all` starts (LOTS names the workshops lots), from the catalogue."""
    from ptfc import catalogue
    out = []
    for name, lot in catalogue.instances():
        dsn = db.with_database(settings.database_url, database_of(settings, name, lot))
        out.append(Target(f"{name}.{lot}" if lot else name, dsn, bool(catalogue.spec(name).timers)))
    return out


async def _fetch(dsn: str, sql: str, *args) -> list[asyncpg.Record] | None:
    """None when the database or the table is not there yet (a service not started, or older)."""
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        return await conn.fetch(sql, *args)
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


async def begin(settings: Settings, where: list[Target], say: Callable[[str], None] = print,
                timeout: float = 120.0, every: float = 1.0) -> str:
    replay_id = f"replay-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    await publish_as_operator(settings, OPS_REPLAY, ops.REPLAY_BEGAN, ops.ReplayBegan(replay_id=replay_id), SUBJECT)
    say(f"replay {replay_id} begun; waiting until every service with timers holds them")
    waiting = [t for t in where if t.timers]
    deadline, last = time.monotonic() + timeout, ""
    while waiting:
        held = [t for t in waiting if await _fetch(t.dsn, "SELECT 1 FROM replay_hold WHERE replay_id = $1", replay_id)]
        waiting = [t for t in waiting if t not in held]
        line = "  holding: all" if not waiting else "  not holding yet: " + ", ".join(t.label for t in waiting)
        if line != last:
            say(line)
            last = line
        if waiting and time.monotonic() > deadline:
            raise ReplayError(f"not holding after {timeout:.0f} s: {', '.join(t.label for t in waiting)}. Send "
                              "nothing yet: each holds once it runs and reads ptfc.ops.replay (LOTS: the running lots).")
        if waiting:
            await asyncio.sleep(every)
    return replay_id


async def look(where: list[Target], lags: Lags) -> Round:
    unsent, parked = {}, {}
    for t in where:
        rows = await _fetch(t.dsn, "SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS unsent, "
                                   "(SELECT count(*) FROM parked) AS parked")
        unsent[t.label], parked[t.label] = (rows[0]["unsent"], rows[0]["parked"]) if rows else (0, 0)
    return Round(await lags(), unsent, parked)


async def open_replays(where: list[Target]) -> list[str]:
    found: set[str] = set()
    for t in where:
        rows = await _fetch(t.dsn, "SELECT replay_id FROM replay_hold WHERE ended_at IS NULL")
        found |= {r["replay_id"] for r in rows or []}
    return sorted(found)


async def wait(where: list[Target], lags: Lags, say: Callable[[str], None] = print,
               timeout: float = 3600.0, every: float = 2.0) -> None:
    """Until two clean rounds in a row (a relay may send between the lag and the outbox readings of
    one round): every service has read, and acted on, everything sent so far."""
    deadline, clean = time.monotonic() + timeout, 0
    while clean < 2:
        seen = await look(where, lags)
        clean = clean + 1 if seen.clean() else 0
        say(f"  {seen.line()}" + ("  (caught up)" if clean else ""))
        if clean < 2:
            if time.monotonic() > deadline:
                raise ReplayError(f"not caught up after {timeout:.0f} s; the replay stays open (timers hold)")
            await asyncio.sleep(every)


async def end(settings: Settings, where: list[Target], lags: Lags, say: Callable[[str], None] = print,
              timeout: float = 3600.0, every: float = 2.0) -> list[str]:
    """Once the system has caught up, ends every open replay; returns their ids."""
    replay_ids = await open_replays(where)
    if not replay_ids:
        raise ReplayError("no replay is open")
    say(f"waiting until every service has read everything sent ({', '.join(replay_ids)})")
    await wait(where, lags, say, timeout, every)
    for replay_id in replay_ids:
        await publish_as_operator(settings, OPS_REPLAY, ops.REPLAY_ENDED, ops.ReplayEnded(replay_id=replay_id), SUBJECT)
    say("replay ended: timers fire again, in due order, each as of its own due time")
    return replay_ids


def lags_from_status(settings: Settings) -> Lags:
    """Each instance's lag as `ptfc status` reads it (Kafka's committed offsets)."""
    async def read() -> dict[str, int | None]:
        from services.reporting.status import status
        return {row["instance"]: row["lag"] for row in (await status(settings))["consumer_lag"]}
    return read
