"""The idempotent consumer: decode, dedupe (inbox), handle, commit, dead-letter.

Commit policy (decided here, not left to faststream's ack policies):
- a batch is applied in ONE Postgres transaction, each message in its own savepoint;
- Kafka offsets are committed only after that transaction committed (manual ack);
- infrastructure failures (database or broker down) retry the whole batch with capped backoff
  for as long as they last: nothing is lost, nothing is dead-lettered for it, no hot loop;
- a message whose handler keeps failing is retried `max_attempts` times, then dead-lettered, and
  the rest of the batch goes on; undecodable / invalid / unknown messages are dead-lettered at once.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import asyncpg
from pydantic import ValidationError

from contracts.envelope import CloudEvent, EnvelopeHeader
from contracts.registry import data_model_for
from ptfc.kit import deadletter
from ptfc.kit.logging import get_logger, scrub_text
from ptfc.kit.outbox import Emitter
from ptfc.kit.retry import TRANSIENT, backoff

log = get_logger()


@dataclass
class Context:
    """What a handler gets: its transaction's connection, the event, and a way to emit."""

    conn: asyncpg.Connection
    event: CloudEvent
    emitter: Emitter
    service: Any

    async def emit(self, topic: str, type: str, data: Any, **kw: Any) -> str:
        return await self.emitter.emit(topic, type, data, **kw)


Handler = Callable[[Context, CloudEvent], Awaitable[None]]


@dataclass
class Route:
    """Handlers for one topic. `strict`: a type with no handler is a dead letter (partner topics);
    otherwise it is someone else's fact and is skipped (internal topics)."""

    handlers: dict[str, Handler]
    strict: bool = False
    accepts: frozenset[str] = field(default_factory=frozenset)


class Consumer:
    def __init__(self, service: Any, routes: dict[str, Route]) -> None:
        self.svc, self.routes = service, routes
        self.settings = service.settings

    async def handle_batch(self, records: tuple) -> None:
        attempt = 0
        while True:
            try:
                async with self.svc.pool.acquire() as conn:
                    async with conn.transaction():
                        for rec in records:
                            await self._one(conn, rec)
                self.svc.health.consumer_ok = True
                return
            except TRANSIENT as exc:
                attempt += 1
                self.svc.health.consumer_ok = False
                log.warning("consumer.retry_batch", attempt=attempt, size=len(records),
                            error=type(exc).__name__)
                await asyncio.sleep(backoff(attempt, self.settings.retry_base_seconds,
                                            self.settings.retry_max_seconds))

    async def _dead(self, conn: asyncpg.Connection, rec: Any, reason: str) -> None:
        if await deadletter.record(conn, record=rec, reason=reason, service=self.svc.name,
                                   deadletter_topic=self.svc.topic("ptfc.deadletter")):
            self.svc.metrics.inc("dead_letters_total")
            log.warning("event.dead_lettered", topic=rec.topic, partition=rec.partition,
                        offset=rec.offset, reason=scrub_text(reason)[:300])

    def _decode(self, rec: Any, route: Route) -> tuple[CloudEvent | None, Handler | None, str | None]:
        try:
            doc = json.loads(rec.value)
        except (ValueError, TypeError, UnicodeDecodeError):
            return None, None, "not JSON"
        try:
            head = EnvelopeHeader.model_validate(doc)
        except ValidationError as exc:
            return None, None, f"not a CloudEvents 1.0 envelope: {deadletter.describe_validation(exc)}"
        handler = route.handlers.get(head.type)
        model = data_model_for(head.type)
        if handler is None:
            if route.strict:
                return None, None, f"unknown type {head.type[:200]!r} for topic {rec.topic}"
            return None, None, None  # another service's fact: not ours to judge
        try:
            event = CloudEvent[model].model_validate(doc)  # type: ignore[valid-type]
        except ValidationError as exc:
            return None, None, f"data does not match {head.type}: {deadletter.describe_validation(exc)}"
        return event, handler, None

    async def _one(self, conn: asyncpg.Connection, rec: Any) -> None:
        route = self.routes[rec.topic]
        event, handler, reason = self._decode(rec, route)
        if reason is not None:
            await self._dead(conn, rec, reason)
            return
        if event is None or handler is None:
            return
        with_ids = {"case": event.subject, "event_id": event.id, "event_type": event.type}
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                async with conn.transaction():  # savepoint: a failure undoes only this message
                    fresh = await conn.fetchval(
                        "INSERT INTO inbox(source, id, type) VALUES ($1, $2, $3) "
                        "ON CONFLICT DO NOTHING RETURNING true", event.source, event.id, event.type)
                    if not fresh:
                        self.svc.metrics.inc("duplicates_total")
                        return
                    emitter = Emitter(conn, self.svc.source, f"{event.source}|{event.id}",
                                      event.time, event.subject, self.svc.topic)
                    await handler(Context(conn, event, emitter, self.svc), event)
                self.svc.metrics.inc("events_handled_total")
                return
            except TRANSIENT:
                raise
            except deadletter.DeadLetter as exc:
                await self._mark_and_dead(conn, rec, event, exc.reason)
                return
            except Exception as exc:  # a bug or a poison message: bounded retries
                log.warning("event.handler_failed", attempt=attempt, error=type(exc).__name__,
                            detail=scrub_text(str(exc))[:300], **with_ids)
                if attempt == self.settings.max_attempts:
                    await self._mark_and_dead(
                        conn, rec, event, f"handler failed {attempt} times: {type(exc).__name__}: {exc}")
                    return
                await asyncio.sleep(backoff(attempt, self.settings.retry_base_seconds, 2.0))

    async def _mark_and_dead(self, conn: asyncpg.Connection, rec: Any, event: CloudEvent, reason: str) -> None:
        await conn.execute("INSERT INTO inbox(source, id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                           event.source, event.id, event.type)
        await self._dead(conn, rec, reason)
