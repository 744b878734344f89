"""Parked events: waiting for a fact from another topic, re-applied with backoff, then expired.

Wall-clock time (operational, like retries): it decides when to look again, never a programme
outcome. A parked event is not in the inbox, so its later application is its first.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg

from ptfc.kit import deadletter, outbox
from ptfc.kit.decode import decode
from ptfc.kit.logging import get_logger
from ptfc.kit.retry import poll

log = get_logger()


@dataclass
class StoredRecord:
    """A parked Kafka record, with the attributes the consumer reads."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes


async def park(conn: asyncpg.Connection, rec, reason: str) -> None:
    await conn.execute(
        'INSERT INTO parked(topic, partition, "offset", key, value, reason, retry_at) '
        "VALUES ($1, $2, $3, $4, $5, $6, now() + interval '1 second') ON CONFLICT DO NOTHING",
        rec.topic, rec.partition, rec.offset, rec.key, rec.value or b"", reason)


class Parking:
    def __init__(self, svc, consumer) -> None:
        self.svc, self.consumer = svc, consumer

    async def run(self, interval: float = 1.0) -> None:
        # Beside it, the kept bytes of dead letters are forgotten when their time is up: this loop
        # runs in every service that consumes, which are those that refuse (deadletter.py).
        keep = self.svc.settings.dead_letter_keep_days
        await asyncio.gather(poll(self.retry_due, interval, "parking", log),
                             poll(lambda: deadletter.forget_withheld(self.svc.pool, keep), deadletter.FORGET_EVERY,
                                  "deadletters.forget", log))

    async def retry_due(self, limit: int = 100) -> int:
        max_s = self.svc.settings.park_max_seconds
        async with self.svc.pool.acquire() as conn:
            async with conn.transaction():
                rows = await conn.fetch(
                    "SELECT *, extract(epoch FROM now() - parked_at) AS waited FROM parked "
                    "WHERE retry_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED", limit)
                for row in rows:
                    rec = StoredRecord(row["topic"], row["partition"], row["offset"], row["key"], row["value"])
                    d = decode(rec, self.consumer.routes[rec.topic])
                    outcome = await self.apply(conn, d)
                    if outcome is None:
                        await conn.execute("DELETE FROM parked WHERE id = $1", row["id"])
                    elif row["waited"] >= max_s:
                        await self.consumer.dead(conn, rec, outcome)
                        await conn.execute("DELETE FROM parked WHERE id = $1", row["id"])
                    else:
                        delay = min(60.0, 2.0 ** min(row["attempts"], 6))
                        await conn.execute(
                            "UPDATE parked SET attempts = attempts + 1, reason = $2, "
                            "retry_at = now() + make_interval(secs => $3) WHERE id = $1", row["id"], outcome, delay)
        return len(rows)

    async def apply(self, conn: asyncpg.Connection, d) -> str | None:
        """Try a parked event again, exactly as the consumer's careful replay applies one: None
        when it is done with (applied, repeat or dead-lettered), else the reason it still waits.
        Its effects and inbox row commit with the caller."""
        c = self.consumer
        if d.reason is not None or d.event is None:
            await c.dead(conn, d.record, d.reason or "no longer handled here")
            return None
        ev = d.event
        if not await conn.fetchval("INSERT INTO inbox(source, id, type) VALUES ($1, $2, $3) "
                                   "ON CONFLICT DO NOTHING RETURNING true", ev.source, ev.id, ev.type):
            return None
        from ptfc.kit.ordering import BatchOrder  # it parks through this module
        if not await BatchOrder(self.svc).split(conn, [d]):
            return None  # deferred behind a due timer of its case, as the consumer would
        rows, waits_for = await c.apply_one(conn, d)
        await outbox.write(conn, rows)
        return waits_for
