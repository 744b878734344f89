"""Transactional outbox: `Emitter` writes rows in the handler's transaction; `Relay` publishes them.

Invariants (load-bearing):
- a row is written in the same transaction as the state change that caused it, so an event is
  published if and only if its cause committed;
- one relay per database at a time (advisory lock), sending rows in id order, so events of one
  case (one Kafka key) reach their partition in the order they were decided;
- `sent_at` is set only after the broker acknowledged the whole batch: a relay killed mid-batch
  sends the batch again (at least once; consumers' inboxes drop the repeat).
"""
from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from contracts.envelope import event_dict
from ptfc.kit.kafka_security import client_kwargs
from ptfc.kit.logging import get_logger
from ptfc.kit.retry import TRANSIENT, poll

RELAY_LOCK = 7469024
ID_NAMESPACE = uuid.UUID("6f1d7c1e-4a43-4f0e-9d1b-2a5c1d0e7f10")
log = get_logger()


async def insert_row(conn: asyncpg.Connection, topic: str, key: str | None, value: bytes,
                     headers: list[tuple[str, str]] | None = None) -> None:
    await conn.execute("INSERT INTO outbox(topic, key, value, headers) VALUES ($1, $2, $3, $4)",
                       topic, key, value, [list(h) for h in (headers or [])])


async def write(conn: asyncpg.Connection, rows: list[tuple[str, str | None, bytes]]) -> None:
    """All rows of a batch in one statement. Load-bearing: ids follow list order (decision
    order), which ORDER BY n guarantees, as the relay sends in id order."""
    if rows:
        topics, keys, values = zip(*rows)
        await conn.execute(
            "INSERT INTO outbox(topic, key, value) SELECT t, k, v FROM "
            "unnest($1::text[], $2::text[], $3::bytea[]) WITH ORDINALITY AS u(t, k, v, n) ORDER BY n",
            topics, keys, values)


class Emitter:
    """Collects the CloudEvents caused by one input (an event or a timer); the caller writes
    them (`write`) in the same transaction as the state change.

    Ids are derived from the cause, so re-deciding the same cause yields the same event ids: a
    replay is recognised downstream as a repeat rather than as new facts.
    """

    def __init__(self, source: str, cause: str, time: datetime, subject: str, topic_of: Any) -> None:
        self.source, self.cause = source, cause
        self.time, self.subject, self._topic_of = time, subject, topic_of
        self.rows: list[tuple[str, str | None, bytes]] = []
        self.emitted = 0  # its own: `rows` may also carry a settled timer's events (timers.settle)

    async def emit(self, topic: str, type: str, data: BaseModel, *, subject: str | None = None,
                   time: datetime | None = None) -> str:
        self.emitted += 1
        n = self.emitted
        event_id = str(uuid.uuid5(ID_NAMESPACE, f"{self.source}|{self.cause}|{n}|{type}"))
        subject = subject or self.subject
        doc = event_dict(id=event_id, source=self.source, type=type, time=time or self.time,
                         subject=subject, data=data)
        self.rows.append((self._topic_of(topic), subject, json.dumps(doc, separators=(",", ":")).encode()))
        return event_id


def make_producer(settings: Any, client_id: str) -> AIOKafkaProducer:
    acks: Any = "all" if settings.kafka_acks == "all" else int(settings.kafka_acks)
    # linger 0: the relay appends a whole batch before it yields, so the batch goes out as one
    # request anyway; a linger would only hold each hop's events that much longer at rest.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, client_id=client_id, acks=acks,
        enable_idempotence=settings.kafka_enable_idempotence, linger_ms=0,
        max_request_size=4 * 1024 * 1024, max_batch_size=1024 * 1024, request_timeout_ms=30000,
        **client_kwargs(settings),  # SASL and TLS from the environment
    )


class Relay:
    def __init__(self, pool: asyncpg.Pool, dsn: str, producer: AIOKafkaProducer, batch_size: int,
                 metrics: Any) -> None:
        self.pool, self.dsn, self.producer = pool, dsn, producer
        self.batch_size, self.metrics = batch_size, metrics
        self.leader = False

    async def run(self) -> None:
        # Through retry.poll: an error nobody foresaw is logged (relay.failed) and the relay goes
        # on. It caught only TRANSIENT before, so anything else ended it without a word, leaving a
        # ready service whose outbox is never sent again: what the short chaos run's logs suggest
        # of one failure (notifications' relay alone logged no relay.retry at a PostgreSQL stop,
        # and one of its rows stayed unsent to the end).
        await poll(self._lead, 0.0, "relay", log, cap=5.0)

    async def _lead(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK):
                await asyncio.sleep(1.0)  # another replica relays; stand by
                return
            self.leader = True
            wake = asyncio.Event()
            def woken(*_: Any) -> None:
                self.metrics.inc("outbox_wakeups_total")  # NOTIFY reached us (else: 1 s polling)
                wake.set()
            await conn.add_listener("ptfc_outbox", woken)
            while not conn.is_closed():
                sent = await self.relay_once()
                if sent < self.batch_size:
                    try:
                        await asyncio.wait_for(wake.wait(), timeout=1.0)
                    except asyncio.TimeoutError:
                        await conn.execute("SELECT 1")  # notice a dropped lock connection
                    wake.clear()
        finally:
            self.leader = False
            await conn.close()

    async def relay_once(self) -> int:
        rows = await self.pool.fetch(
            "SELECT id, topic, key, value, headers FROM outbox WHERE sent_at IS NULL "
            "ORDER BY id LIMIT $1", self.batch_size)
        if not rows:
            return 0
        futures = []
        for r in rows:
            headers = [(k, v.encode()) for k, v in r["headers"]]
            futures.append(await self.producer.send(
                r["topic"], r["value"], key=r["key"].encode() if r["key"] else None,
                headers=headers or None))
        await asyncio.gather(*futures)
        await self.pool.execute("UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])",
                                [r["id"] for r in rows])
        self.metrics.inc("outbox_sent_total", len(rows))
        return len(rows)

    async def purge(self, keep_hours: int = 24) -> None:
        while True:
            await asyncio.sleep(300)
            try:
                await self.pool.execute("DELETE FROM outbox WHERE sent_at < now() - make_interval(hours => $1)",
                                        keep_hours)
            except TRANSIENT:
                pass
