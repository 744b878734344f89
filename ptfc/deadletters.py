"""`ptfc deadletters list|show|replay`: an operator's look at what was refused, and a way back.

Reads `ptfc.deadletter` itself (no consumer group: reading moves nothing), so it sees exactly what
partners see: the reason and origin in headers, and the bytes of a partner's own message. Bytes
from our sensitive internal topics are withheld (kept in the refusing service's `dead_letters`
table): `show` never prints them; `replay` sends them back from that table without showing them.
A replayed message is taken in again only if its (source, id) is new to the service: a message
refused after it was decoded counts as seen, so `--new-id` gives the replay an id of its own.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts import topics as T
from ptfc.kit import db
from ptfc.kit.outbox import make_producer
from ptfc.kit.service import database_of
from ptfc.kit.settings import Settings


@dataclass(frozen=True)
class Letter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def ref(self) -> str:
        return f"{self.partition}:{self.offset}"

    @property
    def withheld(self) -> bool:
        return "ptfc-withheld" in self.headers


async def read_all(settings: Settings) -> list[Letter]:
    topic = T.namespaced(settings.topic_namespace, T.DEADLETTER)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False,
                                max_partition_fetch_bytes=8 * 1024 * 1024)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in parts]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out: list[Letter] = []
        while any([await consumer.position(tp) < ends[tp] for tp in tps]):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                out += [Letter(r.partition, r.offset, r.key, r.value or b"",
                               {k: v.decode("utf-8", "replace") for k, v in (r.headers or [])}) for r in records]
        return sorted(out, key=lambda x: (x.partition, x.offset))
    finally:
        await consumer.stop()


def summary(letters: list[Letter]) -> str:
    """By reason and origin: what an operator scans first. Reasons never carry a sender's values."""
    counts = Counter((x.headers.get("ptfc-service", "?"), x.headers.get("ptfc-origin-topic", "?"),
                      x.headers.get("ptfc-reason", "?")) for x in letters)
    lines = [f"{len(letters)} dead letters"] + [f"{n:6}  {svc:<22} {origin:<34} {reason[:90]}"
                                                 for (svc, origin, reason), n in counts.most_common()]
    return "\n".join(lines)


def listing(letters: list[Letter]) -> str:
    return "\n".join(f"{x.ref:<10} {x.headers.get('ptfc-service', '?'):<22} "
                     f"{x.headers.get('ptfc-origin-topic', '?'):<34} {x.headers.get('ptfc-reason', '?')[:80]}"
                     + ("  [withheld]" if x.withheld else "") for x in letters)


def find(letters: list[Letter], ref: str) -> Letter:
    for x in letters:
        if x.ref == ref:
            return x
    raise LookupError(f"no dead letter {ref} (give partition:offset, as `ptfc deadletters list` shows)")


def show(letter: Letter) -> str:
    head = "\n".join(f"{k}: {v}" for k, v in sorted(letter.headers.items()))
    if letter.withheld:
        return head + "\n(the message holds personal data from an internal topic: not shown)"
    return head + "\n\n" + letter.value.decode("utf-8", "replace")


async def _withheld_bytes(settings: Settings, letter: Letter) -> bytes:
    service = letter.headers["ptfc-service"]
    conn = await asyncpg.connect(db.with_database(settings.database_url, database_of(settings, service)))
    try:
        value = await conn.fetchval('SELECT withheld FROM dead_letters WHERE topic = $1 AND partition = $2 '
                                    'AND "offset" = $3', letter.headers["ptfc-origin-topic"],
                                    int(letter.headers["ptfc-origin-partition"]),
                                    int(letter.headers["ptfc-origin-offset"]))
    finally:
        await conn.close()
    if value is None:
        raise LookupError(f"the {service} database no longer holds the bytes of {letter.ref}")
    return bytes(value)


def with_new_id(value: bytes, n: int) -> bytes:
    doc = json.loads(value)
    doc["id"] = f"{doc['id']}~replay-{n}"
    return json.dumps(doc, ensure_ascii=False).encode()


async def replay(settings: Settings, letter: Letter, corrected: bytes | None = None, new_id: bool = False) -> str:
    """Send the message (or the operator's corrected version) back to the topic it came from."""
    value = corrected if corrected is not None else (
        await _withheld_bytes(settings, letter) if letter.withheld else letter.value)
    if new_id:
        value = with_new_id(value, letter.offset)
    topic = letter.headers["ptfc-origin-topic"]
    producer = make_producer(settings, "ptfc-operator-replay")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=letter.key)
    finally:
        await producer.stop()
    return topic
