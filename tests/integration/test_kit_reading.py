"""Lag readers get each partition's true end (ptfc/kit/reading.py): Tansu 0.6 answers "latest
offset" with the last batch's first offset + 1, so a group that committed part of a large batch
read a lag of 0 while the rest was still to do."""
from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from ptfc.kit.reading import end_offsets
from services.reporting.ops import lag_of

N = 300


async def test_a_group_part_way_through_one_large_batch_is_behind_by_the_rest(infra, ns):
    topic, group = f"{ns}.reading", f"{ns}.group"
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 2, 1)])
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, linger_ms=500, max_batch_size=1024 * 1024)
    await producer.start()
    tp, empty = TopicPartition(topic, 0), TopicPartition(topic, 1)
    try:
        sent = [await producer.send(topic, b"x" * 50, partition=0) for _ in range(N)]  # one batch
        await asyncio.gather(*sent)
        assert sent[-1].result().offset == N - 1
        committer = AIOKafkaConsumer(bootstrap_servers=infra.kafka, group_id=group, enable_auto_commit=False)
        await committer.start()
        try:
            committer.assign([tp])
            await committer.commit({tp: 100})  # as a consumer that took 100 records of the batch
        finally:
            await committer.stop()
        reader = AIOKafkaConsumer(bootstrap_servers=infra.kafka, enable_auto_commit=False)
        await reader.start()
        try:
            said = (await reader.end_offsets([tp]))[tp]  # Tansu: 1 (its last batch starts at 0)
            ends = await end_offsets(reader, [tp, empty])
        finally:
            await reader.stop()
        assert ends == {tp: N, empty: 0} and said <= N
        got = await admin.list_consumer_group_offsets(group, partitions=[tp])
        lag = lag_of("probe", group, {tp: got[tp].offset}, {tp: 0}, ends)
        assert lag.lag == N - 100  # with the broker's own answer it was max(0, said - 100): 0 on Tansu
    finally:
        await producer.stop()
        await admin.close()
