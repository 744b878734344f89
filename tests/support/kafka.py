"""Publishing partner events and reading topics back, as a partner system would."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ptfc.kit.reading import from_beginning


def envelope(type: str, data: dict, *, subject: str, source: str = "/partners/cafcass",
             time: datetime | None = None, id: str | None = None) -> dict:
    return {"specversion": "1.0", "id": id or str(uuid.uuid4()), "source": source, "type": type,
            "time": (time or datetime.now(timezone.utc)).isoformat(), "subject": subject,
            "datacontenttype": "application/json", "data": data}


async def publish(producer: AIOKafkaProducer, topic: str, value: dict | bytes, key: str | None) -> None:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    await producer.send_and_wait(topic, raw, key=key.encode() if key else None)


class TopicReader:
    """Reads a topic from the beginning with no consumer group (no rebalance wait)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.topic = topic
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                         max_partition_fetch_bytes=8 * 1024 * 1024)
        self.records: list[Any] = []

    async def start(self) -> "TopicReader":
        await self.consumer.start()
        assert await from_beginning(self.consumer, [self.topic], tries=100), f"topic {self.topic} does not exist"
        return self

    async def stop(self) -> None:
        await self.consumer.stop()

    async def poll(self) -> None:
        batch = await self.consumer.getmany(timeout_ms=200)
        for recs in batch.values():
            self.records.extend(recs)

    async def read_to_end(self, timeout: float = 30.0) -> list[Any]:
        """Everything the topic holds now: polled until every partition reached the end offset
        taken at the start (not a fixed number of polls, which can stop short)."""
        parts = list(self.consumer.assignment())
        ends = await self.consumer.end_offsets(parts)

        async def caught_up() -> bool:
            await self.poll()
            return all([await self.consumer.position(tp) >= ends[tp] for tp in parts])
        await eventually(caught_up, timeout=timeout, what=f"read {self.topic} to its end")
        return self.records

    def events(self) -> list[dict]:
        out = []
        for r in self.records:
            try:
                out.append(json.loads(r.value))
            except ValueError:
                pass
        return out

    async def wait_for(self, predicate: Callable[[list], Any], timeout: float = 30.0,
                       what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            await self.poll()
            result = predicate(self.events())
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what} on {self.topic}; "
                                     f"saw {len(self.records)} records")


async def eventually(check: Callable[[], Any], timeout: float = 30.0, what: str = "condition",
                     interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)
