"""One hop of the raw aiokafka baseline: consume a batch, produce it on, commit. No database.

Usage: python -m ptfc.bench_hop <bootstrap> <in-topic> <out-topic> <group>
"""
from __future__ import annotations

import asyncio
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def hop(bootstrap: str, src: str, dst: str, group: str) -> None:
    consumer = AIOKafkaConsumer(src, bootstrap_servers=bootstrap, group_id=group,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")
    await consumer.start()
    await producer.start()
    while True:
        batch = await consumer.getmany(timeout_ms=500, max_records=500)
        futures = [await producer.send(dst, r.value, key=r.key) for recs in batch.values() for r in recs]
        if futures:
            await asyncio.gather(*futures)
            await consumer.commit()


if __name__ == "__main__":
    asyncio.run(hop(*sys.argv[1:5]))
