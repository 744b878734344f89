"""Runs faststream's batch loop the kit's way: fetch limits follow the load (`fetch_policy`), and
no sleep after an empty poll.

Both reach into the libraries' internals, pinned in pyproject.toml (aiokafka 0.14.0, faststream
0.7.8): tests/integration/test_kit_fetching.py and tests/unit/test_kit_fetching_loop.py check the
behaviour each relies on, so an upgrade that changes it fails there, loudly, not here, quietly.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from itertools import chain
from typing import Any

from ptfc.kit.fetch_policy import FetchLimits, FetchPolicy
from ptfc.kit.logging import get_logger

log = get_logger()
# How long one poll waits for records before the loop asks again. Only the loop's tick: records
# are returned as soon as the fetcher has any, and an empty poll lets the rate decay.
POLL_MS = 500


def policy(settings: Any) -> FetchPolicy:
    busy = FetchLimits(settings.kafka_fetch_min_bytes, settings.kafka_fetch_max_wait_ms)
    if not settings.kafka_fetch_adaptive:
        return FetchPolicy(idle=busy, busy=busy)
    return FetchPolicy(idle=FetchLimits(1, settings.kafka_fetch_idle_wait_ms), busy=busy)


def apply(consumer: Any, limits: FetchLimits) -> bool:
    """The next fetch request asks for these: aiokafka's Fetcher reads both attributes each time it
    builds one (its public API takes them only when the consumer is created)."""
    fetcher = getattr(consumer, "_fetcher", None)
    if not (hasattr(fetcher, "_fetch_min_bytes") and hasattr(fetcher, "_fetch_max_wait_ms")):
        return False
    fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms = limits.min_bytes, limits.max_wait_ms
    return True


def install(subscriber: Any, fetch: FetchPolicy, max_records: int, poll_ms: int = POLL_MS,
            clock: Callable[[], float] = time.monotonic) -> None:
    """Replaces the subscriber's `get_msg`, which faststream's loop calls for each batch.

    faststream's own sleeps `batch_timeout_ms` after an empty poll, so a message arriving at rest
    could wait that long on top of its fetch. getmany already waits for records, so this one asks
    again at once, sleeping only if getmany came back early and empty (it must never spin)."""
    supported = True

    async def get_msg(consumer: Any) -> tuple:
        nonlocal supported
        started = clock()
        messages = await consumer.getmany(timeout_ms=poll_ms, max_records=max_records)
        records = tuple(chain(*messages.values()))
        was_busy = fetch.busy_now
        if supported and not apply(consumer, fetch.received(len(records), clock())):
            supported = False  # an aiokafka that is not the pinned one: the limits stay fixed
            log.error("consumer.fetch_limits_unsupported")
        if fetch.busy_now != was_busy:  # rare: a burst begins or ends
            log.info("consumer.fetch_limits", busy=fetch.busy_now, records_per_second=round(fetch.rate))
        if not records and clock() - started < poll_ms / 2000:
            await asyncio.sleep(poll_ms / 1000)
        return records

    subscriber.get_msg = get_msg
