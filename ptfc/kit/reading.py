"""Reading topics with no consumer group, as the operator's commands, the harnesses (`make chaos`,
`make corpus`) and the tests do: no group, so no rebalance to wait for and no offsets committed on
anyone's behalf. And each partition's true end, for the lag readers (`end_offsets`).

Tansu 0.6 answers ListOffsets(latest) with its last record batch's first offset + 1 (measured
against the dev broker: five records sent as one batch, end 1; a batch of 59 at 449-507, end 450),
while a fetch's high watermark is right (508). Reading a topic until the position passes that
answer still reads every record (a fetch returns whole batches), but a lag taken from it (end
minus a group's committed offset) reads 0 while a consumer that committed part of a large batch
still has the rest to do.
"""
from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import TopicAuthorizationFailedError


async def partitions(consumer: AIOKafkaConsumer, topic: str, tries: int = 1, interval: float = 0.1) -> set[int]:
    """The topic's partitions, refreshing the metadata up to `tries` times: a consumer started
    just before the topic was created (or before a broker learned of it) does not know it yet."""
    for attempt in range(tries):
        parts = consumer.partitions_for_topic(topic)
        if parts:
            return parts
        await consumer.force_metadata_update()
        if attempt + 1 < tries:
            await asyncio.sleep(interval)
    return consumer.partitions_for_topic(topic) or set()


async def from_beginning(consumer: AIOKafkaConsumer, topics: list[str], tries: int = 1) -> list[TopicPartition]:
    """Assigns every partition of `topics` that exists and seeks each to its beginning; returns
    them (none: nothing assigned)."""
    tps = [TopicPartition(t, p) for t in topics for p in sorted(await partitions(consumer, t, tries))]
    if tps:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
    return tps


async def end_offsets(consumer: AIOKafkaConsumer, tps: list[TopicPartition],
                      timeout: float = 10.0) -> dict[TopicPartition, int]:
    """Each partition's end, past every record it held when asked: the broker's answer, or the high
    watermark of a fetch from just before it (the start of its last batch, on Tansu), whichever is
    larger. `consumer` is one of the caller's own, with no group: it is left with no assignment
    (else it would go on fetching, in the way of the caller's next request)."""
    ends = await consumer.end_offsets(tps)
    probe = [tp for tp in tps if ends[tp] > 0]  # an empty partition has no batch to look into
    if not probe:
        return dict(ends)
    consumer.assign(probe)
    try:
        for tp in probe:
            consumer.seek(tp, ends[tp] - 1)
        deadline = time.monotonic() + timeout
        while any(consumer.highwater(tp) is None for tp in probe):
            if time.monotonic() > deadline:
                raise asyncio.TimeoutError(f"no fetch answered within {timeout:.0f} s")
            await consumer.getmany(*probe, timeout_ms=200)
    except TopicAuthorizationFailedError:
        # With ACLs applied (contracts/access.py) an observer may describe a topic, not read it:
        # no probe then. Such a broker (Apache Kafka; Tansu stores no ACLs) answers end offsets right.
        consumer.unsubscribe()
        return dict(ends)
    highwater = {tp: consumer.highwater(tp) or 0 for tp in probe}
    consumer.unsubscribe()
    return {tp: max(ends[tp], highwater.get(tp, 0)) for tp in tps}
