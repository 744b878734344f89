"""The broker tier (tests/support/tiers.py): the real service on the broker and PostgreSQL, fed by
publishing to its topics; what it emitted is read back from the topics."""
from __future__ import annotations

import asyncio
import json
from collections import Counter
from contextlib import AsyncExitStack
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition

from ptfc.kit.clock import ManualClock
from tests.support import infra as infra_mod
from tests.support.kafka import TopicReader, eventually
from tests.support.services import running
from tests.support.tiers import Driver, Subject

SETTLE_SECONDS = 30.0  # a deadline, not a wait: settling polls every 50 ms


class Broker(Driver):
    def __init__(self, subject: Subject, infra: Any, ns: str) -> None:
        self.subject, self.infra, self.ns, self.clock = subject, infra, ns, ManualClock(subject.at)
        self.last_sent: dict[TopicPartition, int] = {}  # the highest offset the scenario sent per partition
        self.sent_to: Counter = Counter()  # records the scenario itself put on each topic
        self.readers: dict[str, TopicReader] = {}
        self.stack = AsyncExitStack()

    async def start(self) -> "Broker":
        self.settings = await infra_mod.namespaced(self.infra, self.ns)  # creates the namespace's topics
        self.producer = AIOKafkaProducer(bootstrap_servers=self.infra.kafka, max_request_size=4 * 1024 * 1024)
        await self.producer.start()
        self.stack.push_async_callback(self.producer.stop)
        await self._run()
        return self

    async def _run(self) -> None:
        self.service_stack = AsyncExitStack()
        self.svc = await self.service_stack.enter_async_context(
            running(self.subject.spec, self.settings, self.clock, **self.subject.overrides))

    async def stop(self) -> None:
        await self.service_stack.aclose()
        for reader in self.readers.values():
            await reader.stop()
        await self.stack.aclose()

    async def restart(self) -> None:
        await self.service_stack.aclose()
        await self._run()

    async def send(self, topic: str, env: dict, *, key: str | None = None, partition: int | None = None) -> dict:
        self._sent(await self.producer.send_and_wait(
            self.svc.topic(topic), json.dumps(env).encode(), key=(key or env["subject"]).encode(), partition=partition))
        await self._wait_applied()
        return env

    async def send_together(self, topic: str, envs: list[dict], key: str | None = None) -> None:
        futures = [await self.producer.send(self.svc.topic(topic), json.dumps(e).encode(),
                                            key=(key or e["subject"]).encode())
                   for e in envs]  # queued before any is sent: one produce request
        for meta in await asyncio.gather(*futures):
            self._sent(meta)
        await self._wait_applied()

    def _sent(self, meta: Any) -> None:
        self.sent_to[meta.topic] += 1
        if meta.topic in self.svc.consumer.routes:  # only what it reads is ever committed
            tp = TopicPartition(meta.topic, meta.partition)
            self.last_sent[tp] = max(self.last_sent.get(tp, -1), meta.offset)

    async def at(self, when: datetime) -> None:
        self.clock.set(when)  # the service's own timer loop notices within its interval

    async def _wait_applied(self) -> None:
        """Each send is applied (or parked) before the next is sent, as on the direct tier: records
        of different keys or topics lie on different partitions, which Kafka does not order."""
        await eventually(self._applied, SETTLE_SECONDS, "the service applying what it was sent", 0.02)

    async def _applied(self) -> bool:
        """Its consumer group committed past everything sent: applied, refused or parked."""
        consumer = next(s.consumer for s in self.svc.broker.subscribers if getattr(s, "consumer", None))
        return all([(await consumer.committed(tp) or 0) > offset for tp, offset in self.last_sent.items()])

    async def _settled(self) -> bool:
        """Everything sent applied, no timer due by the clock left to fire, nothing waiting parked
        (PARK_MAX_SECONDS is 1 s in tests), and every outbox row sent by the relay."""
        if not await self._applied():
            return False
        return await self.svc.pool.fetchval(
            "SELECT NOT EXISTS (SELECT FROM timers WHERE fired_at IS NULL AND due_at <= $1) "
            "AND NOT EXISTS (SELECT FROM parked) AND NOT EXISTS (SELECT FROM outbox WHERE sent_at IS NULL)",
            self.clock.now())

    async def _records(self, topic: str) -> list[tuple[str | None, bytes, dict[str, str]]]:
        await eventually(self._settled, SETTLE_SECONDS, "the service applying and publishing all it was sent", 0.05)
        await self._no_timer_failed()
        name = self.svc.topic(topic)
        if name not in self.readers:
            self.readers[name] = await TopicReader(self.settings.kafka_bootstrap_servers, name).start()
        reader = self.readers[name]
        # Counted, not read to the end offsets: Tansu under-reports those after a batched send.
        expected = await self.svc.pool.fetchval("SELECT count(*) FROM outbox WHERE topic = $1", name)
        expected += self.sent_to[name]

        async def read_all() -> bool:
            await reader.poll()
            return len(reader.records) >= expected
        await eventually(read_all, SETTLE_SECONDS, f"{expected} records on {name}", 0)
        return [(r.key.decode() if r.key else None, r.value, {k: v.decode() for k, v in r.headers or ()})
                for r in reader.records]
