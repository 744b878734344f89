"""Reporting reads `ptfc.deadletter` for the operator console: what every service refused, why,
and from which topic. It keeps the headers `ptfc-reason`, `ptfc-origin-topic` and `ptfc-service`
and the record's time. The refused bytes never reach the topic (every partner reads it): the
refusing service keeps them (ptfc/kit/deadletter.py), and `ptfc deadletters show` reads them there.

Its own consumer group (`<reporting group>.deadletters`): a dead letter is not a CloudEvent, so it
cannot go through the kit's inbox, which would dead-letter it again. Offsets are committed only
after the rows are stored; a redelivery inserts nothing (keyed by partition and offset).
"""
# No `from __future__ import annotations`: faststream reads `on_dead_letters`' annotation at runtime.
import asyncio
from datetime import datetime, timezone
from typing import Any

from faststream.kafka import KafkaMessage, KafkaRouter
from faststream.middlewares import AckPolicy

from contracts import topics as T
from ptfc.kit.logging import get_logger
from ptfc.kit.retry import TRANSIENT
from services.reporting import store

log = get_logger()
MAX_TEXT = 1000


def _header(record: Any, name: str) -> str:
    for key, value in record.headers or ():
        if key == name:
            text = (value or b"").decode("utf-8", "replace").replace("\x00", "\ufffd")
            return text[:MAX_TEXT] or "(none)"
    return "(none)"


def _time(record: Any) -> datetime:
    """The record's time, or now: a producer sets the timestamp, and any producer can write here,
    so an impossible one must not make this record (and the partition behind it) unreadable."""
    try:
        return datetime.fromtimestamp(record.timestamp / 1000, timezone.utc)
    except (OverflowError, ValueError, OSError, TypeError):
        return datetime.now(timezone.utc)


def seen(record: Any) -> tuple:
    """The row kept for one dead letter: place, time, reason, origin topic, refusing service."""
    at = _time(record)
    return (record.partition, record.offset, at, _header(record, "ptfc-reason"),
            _header(record, "ptfc-origin-topic"), _header(record, "ptfc-service"))


async def _undecoded(_msg: Any) -> None:
    return None


def subscribe_dead_letters(router: KafkaRouter, svc: Any) -> None:
    async def on_dead_letters(body: bytes) -> None:
        message: KafkaMessage = svc.broker.context.get_local("message")
        try:
            await store.add_dead_letters(svc.pool, [seen(r) for r in message.raw_message])
        except TRANSIENT as exc:  # database unreachable: read the batch again, a little later
            log.warning("reporting.dead_letters_not_stored", error=type(exc).__name__)
            await message.nack()
            await asyncio.sleep(1.0)
            return
        except Exception as exc:  # not the infrastructure's: never retried forever (a stuck partition)
            log.error("reporting.dead_letters_skipped", error=type(exc).__name__,
                      size=len(message.raw_message))
        await message.ack()

    router.subscriber(
        svc.topic(T.DEADLETTER), batch=True, group_id=svc.group_id + ".deadletters",
        ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest", decoder=_undecoded,
        title=f"{svc.instance}:deadletters",
        description="Every service's refusals, for the operator console: headers and time only.",
    )(on_dead_letters)
