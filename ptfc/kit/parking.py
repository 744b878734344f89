"""Parked events: waiting for a fact from another topic, re-applied with backoff, then expired.

Wall-clock time (operational, like retries): it decides when to look again, never a programme
outcome. A parked event is not in the inbox, so its later application is its first.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg

from ptfc.kit import deadletter
from ptfc.kit.decode import decode
from ptfc.kit.logging import get_logger
from ptfc.kit.retry import TRANSIENT, backoff

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
        attempt = 0
        while True:
            try:
                done = await self.retry_due()
                attempt = 0
            except TRANSIENT as exc:
                attempt += 1
                log.warning("parking.retry", attempt=attempt, error=type(exc).__name__)
                await asyncio.sleep(backoff(attempt, 0.2, 10.0))
                continue
            if done == 0:
                await asyncio.sleep(interval)

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
                    outcome = await self.consumer.apply_parked(conn, d)
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
