"""faststream's batch loop, as the kit runs it: a message that comes at rest is asked for at once.

These drive faststream's own consume loop (pinned 0.7.8) with a stand-in Kafka consumer, so a
faststream upgrade that changes how the loop gets its batches fails here.
"""
from __future__ import annotations

import asyncio
import time

from faststream.kafka import KafkaRouter

from ptfc.kit import fetching
from ptfc.kit.fetch_policy import FetchLimits, FetchPolicy

RECORD = object()


class StandIn:
    """getmany: the first call waits out its timeout and finds nothing; the second has a record."""

    def __init__(self, subscriber) -> None:
        self.subscriber, self.calls = subscriber, []

    async def getmany(self, timeout_ms: int, max_records: int | None = None) -> dict:
        self.calls.append(time.monotonic())
        if len(self.calls) == 1:
            await asyncio.sleep(timeout_ms / 1000)
            return {}
        self.subscriber.running = False  # ends the loop after this batch
        return {"tp": [RECORD]}


async def gap_between_asks(install) -> float:
    sub = KafkaRouter().subscriber("t", batch=True, group_id="g", batch_timeout_ms=200)
    sub(lambda body: None)
    install(sub)
    handled = []

    async def consume_one(msg) -> None:
        handled.append(msg)

    sub.consume_one, sub.running = consume_one, True
    consumer = StandIn(sub)
    await asyncio.wait_for(sub._run_consume_loop(consumer), 10)
    assert handled == [(RECORD,)]
    return consumer.calls[1] - consumer.calls[0]


async def test_faststreams_own_loop_sleeps_after_an_empty_wait():
    # Why the kit replaces it: 200 ms of getmany, then 200 ms asleep before it asks again.
    assert await gap_between_asks(lambda sub: None) >= 0.38


async def test_the_kits_loop_asks_again_as_soon_as_an_empty_wait_ends():
    fetch = FetchPolicy(idle=FetchLimits(1, 100), busy=FetchLimits(65536, 200))
    gap = await gap_between_asks(lambda sub: fetching.install(sub, fetch, 10, poll_ms=50))
    assert gap < 0.3  # its own 50 ms wait and no sleep after it (faststream's: 200 + 200 ms)
