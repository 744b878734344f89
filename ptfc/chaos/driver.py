"""The partners: send each journey's next messages when the system publishes the fact it needs.

Partners are clients of the same broker, so they live through its outage too: a send that was
not acknowledged is sent again (the same message id: a repeat the services drop).
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from contracts import topics as T
from ptfc.chaos import journeys as J
from ptfc.db_names import database_for
from ptfc.kit.db import with_database

FACTS = [T.REFERRAL_EVENTS, T.LEARNING_EVENTS, T.WORKSHOPS_EVENTS]


class Driver:
    def __init__(self, bootstrap: str, admin_url: str, js: list[J.Journey], rate: float, say=print) -> None:
        self.bootstrap, self.admin_url, self.rate, self.say = bootstrap, admin_url, rate, say
        self.by_person = {j.person: j for j in js}
        self.js = js
        self.queue: asyncio.Queue = asyncio.Queue()
        self.seats: Counter = Counter()  # lot -> places handed out, in order
        self.acked: set[tuple[str, str]] = set()  # (topic, id) the broker acknowledged
        self.retries = 0
        self.last_outcome = time.monotonic()  # when the latest journey reached its outcome

    def done(self) -> int:
        return sum(1 for j in self.js if j.outcome is not None)

    async def run(self, timeout: float) -> bool:
        """Until every journey reached an outcome (True) or `timeout` seconds passed (False)."""
        self.producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5,
                                         request_timeout_ms=15000, max_request_size=4 * 1024 * 1024)
        await self.producer.start()
        self.reader = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                       max_partition_fetch_bytes=8 * 1024 * 1024)
        await self.reader.start()
        tps = [TopicPartition(t, p) for t in FACTS for p in (self.reader.partitions_for_topic(t) or [])]
        self.reader.assign(tps)
        await self.reader.seek_to_beginning(*tps)
        tasks = [asyncio.create_task(c) for c in (self.publish(), self.send_loop(), self.read_loop(), self.book_loop())]
        try:
            deadline = time.monotonic() + timeout
            while self.done() < len(self.js) and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
            return self.done() == len(self.js)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.reader.stop()
            await self.producer.stop()

    async def publish(self) -> None:
        """The lots' sessions first, then the referrals, paced at `rate` per second."""
        day0 = next((j.day0 for j in self.js if j.kind == "complete"), None)
        for lot in sorted({j.lot for j in self.js}):
            for m in J.sessions(self.js[0].run, lot, J.sessions_needed(self.js, lot), day0 or self.js[0].day0):
                self.queue.put_nowait(m)
        t0 = time.monotonic()
        for i, j in enumerate(self.js):
            await asyncio.sleep(max(0.0, t0 + i / self.rate - time.monotonic()))
            self.queue.put_nowait(J.referral(j))

    async def send_loop(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < 500:
                batch.append(self.queue.get_nowait())
            while True:
                try:
                    futures = [await self.producer.send(topic, json.dumps(env).encode(), key=env["subject"].encode())
                               for topic, env in batch]
                    await asyncio.gather(*futures)
                    break
                except KafkaError:  # the broker is away: the same messages again, later
                    self.retries += 1
                    await asyncio.sleep(1.0)
            self.acked |= {(topic, env["id"]) for topic, env in batch}

    async def read_loop(self) -> None:
        while True:
            for records in (await self.reader.getmany(timeout_ms=500, max_records=5000)).values():
                for r in records:
                    try:
                        e = json.loads(r.value)
                        j = self.by_person.get((e.get("data") or {}).get("person_id"))
                    except (ValueError, AttributeError):
                        continue
                    if j is not None:
                        before = j.outcome
                        for m in J.react(j, e.get("type")):
                            self.queue.put_nowait(m)
                        if j.outcome != before:
                            self.last_outcome = time.monotonic()

    async def book_loop(self) -> None:
        """A parent is booked once the lot's workshops service holds their e-learning: the demo's
        back-dated sessions have started already, so a booking read before that fact would lose
        its place at the check made at a session's start (as it should, live)."""
        while True:
            await asyncio.sleep(0.5)
            for lot in sorted({j.lot for j in self.js}):
                waiting = [j.person for j in self.js if j.lot == lot and j.step == "learned"]
                if not waiting:
                    continue
                try:
                    conn = await asyncpg.connect(with_database(self.admin_url, database_for("workshops", lot)),
                                                 timeout=5)
                    try:
                        rows = await conn.fetch("SELECT person_id FROM elearning_completions "
                                                "WHERE person_id = ANY($1::text[])", waiting)
                    finally:
                        await conn.close()
                except (OSError, asyncpg.PostgresError, asyncio.TimeoutError):
                    continue  # PostgreSQL is stopped: look again later
                for row in sorted(rows, key=lambda r: self.by_person[r["person_id"]].n):
                    j = self.by_person[row["person_id"]]
                    self.queue.put_nowait(J.booking(j, self.seats[lot] // J.SEATS))
                    self.seats[lot] += 1
