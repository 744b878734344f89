"""Registers a service's single faststream subscriber over all the topics it reads."""
# No `from __future__ import annotations` here: faststream reads `on_batch`'s annotation at
# runtime to document the payload, and a string naming a local variable cannot be resolved.

import asyncio
import dataclasses
from typing import Any, Iterable, Union

from faststream.kafka import KafkaMessage, KafkaRouter
from faststream.middlewares import AckPolicy

from contracts.envelope import CloudEvent
from contracts.registry import DATA_MODELS
from contracts.topics import DEADLETTER, OPS_REPLAY
from ptfc.kit import fetching, replay
from ptfc.kit.consumer import Consumer
from ptfc.kit.handling import Route
from ptfc.kit.logging import get_logger

log = get_logger()


async def _undecoded(_msg: Any) -> None:
    """faststream must not parse: junk has to reach the kit to be dead-lettered, not crash here."""
    return None


async def _headers_as_text(msg: Any, original: Any) -> Any:
    """faststream decodes every Kafka header as UTF-8: one partner header that is not would fail the
    whole batch before the kit sees it, and the next batch's commit would skip it (lost, good
    messages too: found by `ptfc corpus`). The kit reads no inbound header, so an undecodable one
    is replaced, never refused."""
    return await original(tuple(r if _utf8(r.headers) else dataclasses.replace(
        r, headers=[(k, v if v is None else v.decode("utf-8", "replace").encode()) for k, v in r.headers])
        for r in msg))


def _utf8(headers: Any) -> bool:
    """Most records pass as they are (a copy of each cost ~15% of a rebuild's consume path)."""
    try:
        for _, v in headers or ():
            if v is not None:
                v.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def events(types: Iterable[str]) -> Any:
    """The envelopes of these wire types, as one schema for the AsyncAPI document: derived from
    the one registry (contracts/registry.py), never a union kept by hand beside a route table."""
    models = tuple(CloudEvent[DATA_MODELS[t]] for t in dict.fromkeys(types))
    return Union[models] if len(models) > 1 else models[0]


def subscribe(router: KafkaRouter, svc: Any, routes: dict[str, Route], description: str) -> Consumer:
    """One consumer group per service instance, all its topics, batches, manual commits. The
    AsyncAPI payload is every type the routes handle (documentation only: parsing is the kit's)."""
    payload = list[events(t for route in routes.values() for t in route.handlers)]
    # Every service reads the operator's replay facts: while a replay is open its timers hold.
    full = {svc.topic(t): r for t, r in {**routes, OPS_REPLAY: replay.ROUTE}.items()}
    consumer = Consumer(svc, full)
    svc.consumer = consumer  # the parking loop re-applies parked events through it
    fetch = fetching.policy(svc.settings)  # this instance's own: fetch sizes follow its load

    async def on_batch(body: payload) -> None:  # type: ignore[valid-type]
        # apply_types=False (junk must reach us undecoded), so the message comes from the context.
        message: KafkaMessage = svc.broker.context.get_local("message")
        try:
            await consumer.handle_batch(message.raw_message)
        except Exception as exc:  # kit bug: rewind so nothing is skipped, slow down, and say so
            log.error("consumer.batch_failed", error=type(exc).__name__)
            svc.health.consumer_ok = False
            svc.metrics.inc("consumer_stalls_total")
            await message.nack()
            await asyncio.sleep(1.0)
            return
        await message.ack()  # commit offsets only after the transaction committed

    subscriber = router.subscriber(
        *full, batch=True, group_id=svc.group_id, ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest", max_records=svc.settings.consumer_batch_size,
        decoder=_undecoded, parser=_headers_as_text, title=f"{svc.instance}:consume", description=description,
        max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_wait_ms=fetch.limits.max_wait_ms,
        fetch_min_bytes=fetch.limits.min_bytes,
        # Tansu holds a JoinGroup for half the session timeout: it sets how long a start or a
        # rebalance takes (measured: 10 s -> 5.1 s, 4 s -> 2.1 s, 2 s -> 1.1 s to first assignment).
        session_timeout_ms=svc.settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=max(100, svc.settings.kafka_session_timeout_ms // 5),
    )
    subscriber(on_batch)
    fetching.install(subscriber, fetch, svc.settings.consumer_batch_size)
    # Every consuming service refuses input the same way, so the channel is declared here, once.
    _declare(router, svc, DEADLETTER, bytes, "Refused input: reason, origin and instance in headers; "
             "the bytes stay in the refusing service's database (never readable by another partner).")
    return consumer


def publishes(router: KafkaRouter, svc: Any, topic: str, types: Iterable[str], description: str) -> None:
    """Declare an outbound topic and the wire types this service puts on it, for the AsyncAPI
    document (the relay does the publishing)."""
    _declare(router, svc, topic, events(types), description)


def _declare(router: KafkaRouter, svc: Any, topic: str, schema: Any, description: str) -> None:
    router.publisher(svc.topic(topic), schema=schema, title=f"{svc.topic(topic)}:publish",
                     description=description)
