"""Registers a service's single faststream subscriber over all the topics it reads."""
# No `from __future__ import annotations` here: faststream reads `on_batch`'s annotation at
# runtime to document the payload, and a string naming a local variable cannot be resolved.

import asyncio
from typing import Any

from faststream.kafka import KafkaMessage, KafkaRouter
from faststream.middlewares import AckPolicy

from contracts.topics import SENSITIVE
from ptfc.kit.consumer import Consumer
from ptfc.kit.handling import Route
from ptfc.kit.logging import get_logger

log = get_logger()


async def _undecoded(_msg: Any) -> None:
    """faststream must not parse: junk has to reach the kit to be dead-lettered, not crash here."""
    return None


def subscribe(router: KafkaRouter, svc: Any, routes: dict[str, Route], payload: Any,
              description: str) -> Consumer:
    """One consumer group per service instance, all its topics, batches, manual commits.

    `payload` is only documentation (the AsyncAPI message schema); parsing is the kit's.
    """
    full = {svc.topic(t): r for t, r in routes.items()}
    consumer = Consumer(svc, full, withheld={svc.topic(t) for t in routes if t in SENSITIVE})
    svc.consumer = consumer  # the parking loop re-applies parked events through it

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

    router.subscriber(
        *full, batch=True, group_id=svc.group_id, ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest", max_records=svc.settings.consumer_batch_size,
        decoder=_undecoded, title=f"{svc.instance}:consume", description=description,
        max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_wait_ms=svc.settings.kafka_fetch_max_wait_ms,
        fetch_min_bytes=svc.settings.kafka_fetch_min_bytes,
    )(on_batch)
    return consumer


def publishes(router: KafkaRouter, svc: Any, topic: str, payload: Any, description: str) -> None:
    """Declare an outbound topic for the AsyncAPI document (the relay does the publishing)."""
    router.publisher(svc.topic(topic), schema=payload, title=f"{svc.topic(topic)}:publish",
                     description=description)
