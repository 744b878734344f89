"""`ptfc deadletters list|show|replay`: an operator's look at what was refused, and a way back.

Reads `ptfc.deadletter` itself (no consumer group: reading moves nothing), so `list` sees exactly
what partners see: the reason and origin in headers, never the bytes. Those stay in the refusing
service's `dead_letters` table (ptfc/kit/deadletter.py), where `show` and `replay` read them with the
operator's database access: `show` prints a partner's message (that partner's own words, for the
operator to correct) but never one from our sensitive internal topics (contact details, certificate
names); `replay` sends either back, with its original key, without showing it.
A replayed message is taken in again only if its (source, id) is new to the service: a message
refused after it was decoded counts as seen, so `--new-id` gives the replay an id of its own.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer

from contracts import topics as T
from ptfc.kit import db
from ptfc.kit.kafka_security import client_kwargs
from ptfc.kit.outbox import make_producer
from ptfc.kit.reading import from_beginning
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
        """True for every dead letter written since bytes stopped being published (older ones
        carry their bytes and key on the topic)."""
        return "ptfc-withheld" in self.headers

    @property
    def internal(self) -> bool:
        """From one of our sensitive internal topics (a namespace may prefix the origin)."""
        origin = self.headers.get("ptfc-origin-topic", "")
        return any(origin == t or origin.endswith("." + t) for t in T.SENSITIVE)


async def read_all(settings: Settings) -> list[Letter]:
    topic = T.namespaced(settings.topic_namespace, T.DEADLETTER)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False,
                                max_partition_fetch_bytes=8 * 1024 * 1024, **client_kwargs(settings))
    await consumer.start()
    try:
        tps = await from_beginning(consumer, [topic], tries=2)
        # Up to the broker's end offsets is far enough even on Tansu, whose answer stops at the
        # start of the last batch: a fetch returns that batch whole (ptfc/kit/reading.py).
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
                     + ("  [internal: not shown]" if x.internal else "") for x in letters)


def find(letters: list[Letter], ref: str) -> Letter:
    for x in letters:
        if x.ref == ref:
            return x
    raise LookupError(f"no dead letter {ref} (give partition:offset, as `ptfc deadletters list` shows)")


def show(letter: Letter, kept: tuple[bytes, bytes | None] | None = None) -> str:
    """Headers, then the message: `kept` is what `kept_bytes` found (a withheld letter's bytes)."""
    head = "\n".join(f"{k}: {v}" for k, v in sorted(letter.headers.items()))
    if letter.internal:
        return head + "\n(the message holds personal data from an internal topic: not shown)"
    value = kept[0] if kept is not None else letter.value
    return head + "\n\n" + value.decode("utf-8", "replace")


async def kept_bytes(settings: Settings, letter: Letter) -> tuple[bytes, bytes | None]:
    """The refused message's value and key: from the refusing service's database."""
    if not letter.withheld:
        return letter.value, letter.key
    instance = letter.headers.get("ptfc-instance", letter.headers["ptfc-service"])
    service, _, lot = instance.partition(".")
    conn = await asyncpg.connect(db.with_database(settings.database_url, database_of(settings, service, lot or None)))
    try:
        row = await conn.fetchrow('SELECT withheld, withheld_key FROM dead_letters WHERE topic = $1 '
                                  'AND partition = $2 AND "offset" = $3', letter.headers["ptfc-origin-topic"],
                                  int(letter.headers["ptfc-origin-partition"]),
                                  int(letter.headers["ptfc-origin-offset"]))
    finally:
        await conn.close()
    if row is None or row["withheld"] is None:
        raise LookupError(f"the {instance} database no longer holds the bytes of {letter.ref} (erased, "
                          "older than DEAD_LETTER_KEEP_DAYS, or never kept)")
    key = row["withheld_key"]
    return bytes(row["withheld"]), bytes(key) if key is not None else None


def with_new_id(value: bytes, n: int) -> bytes:
    doc = json.loads(value)
    doc["id"] = f"{doc['id']}~replay-{n}"
    return json.dumps(doc, ensure_ascii=False).encode()


async def replay(settings: Settings, letter: Letter, corrected: bytes | None = None, new_id: bool = False) -> str:
    """Send the message (or the operator's corrected version) back to the topic it came from,
    keyed as it came."""
    value, key = await kept_bytes(settings, letter)
    if corrected is not None:
        value = corrected
    if new_id:
        value = with_new_id(value, letter.offset)
    topic = letter.headers["ptfc-origin-topic"]
    producer = make_producer(settings, "ptfc-operator-replay")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()
    return topic
