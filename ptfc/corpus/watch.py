"""What the system answered: dead letters (headers only), facts, session rows, committed offsets.

Reads each topic from its beginning with no consumer group, keeping only the headers of dead
letters from partner topics and the facts that name this run's ids: a stack's history costs little.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Callable

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from ptfc.corpus.generate import REJECTED
from ptfc.corpus.outcome import Config, Outcome
from ptfc.db_names import database_for
from ptfc.kit.db import with_database
from ptfc.kit.reading import end_offsets, from_beginning

STALLED = 60.0  # seconds without any new answer, effect or commit: give up waiting
FACTS = {R.ACCEPTED: ("accepted", "referral_id"), R.REJECTED: ("rejected", "referral_id"),
         L.ELEARNING_COMPLETED: ("elearning", "person_id"), P.PLAN_VIEWED: ("viewed", "person_id")}


class Watch:
    def __init__(self, bootstrap: str, namespace: str, run: str, partner_topics: set[str]) -> None:
        self.ns, self.run, self.partner_topics = namespace, run, partner_topics
        self.topics = [T.namespaced(namespace, t) for t in
                       (T.DEADLETTER, T.REFERRAL_EVENTS, T.LEARNING_EVENTS, T.PLANS_EVENTS)]
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                         max_partition_fetch_bytes=8 * 1024 * 1024)
        # (origin topic, partition, offset) -> [(service, [each ptfc-reason header], value size, key)]
        self.letters: dict[tuple, list] = defaultdict(list)
        self.facts: set[tuple] = set()  # ("accepted", referral_id), ("elearning", person_id), ...

    async def start(self) -> "Watch":
        await self.consumer.start()
        await from_beginning(self.consumer, self.topics, tries=2)
        return self

    async def stop(self) -> None:
        await self.consumer.stop()

    async def poll(self) -> None:
        for tp, records in (await self.consumer.getmany(timeout_ms=200, max_records=5000)).items():
            for r in records:
                if tp.topic == self.topics[0]:
                    self._letter(r)
                else:
                    self._fact(r)

    def _letter(self, r) -> None:
        h = [(k, v.decode("utf-8", "replace")) for k, v in (r.headers or [])]
        one = dict(h)
        origin = (one.get("ptfc-origin-topic"), int(one.get("ptfc-origin-partition", -1)),
                  int(one.get("ptfc-origin-offset", -1)))
        if origin[0] in self.partner_topics:
            self.letters[origin].append((one.get("ptfc-service"), [v for k, v in h if k == "ptfc-reason"],
                                         len(r.value or b""), r.key))

    def _fact(self, r) -> None:
        if self.run.encode() not in (r.value or b""):
            return
        try:
            ev = json.loads(r.value)
            name, attr = FACTS[ev["type"]]
            self.facts.add((name, ev["data"][attr]))
        except (ValueError, KeyError, TypeError):
            pass


async def sessions(database_url: str, wanted: dict[str, list[str]], database: Callable[[str], str]) -> set[tuple]:
    """("session", lot, session_id) for every wanted session the lot's workshops database holds."""
    out = set()
    for lot, ids in wanted.items():
        conn = await asyncpg.connect(with_database(database_url, database(lot)))
        try:
            rows = await conn.fetch("SELECT session_id FROM sessions WHERE session_id = ANY($1)", ids)
            out |= {("session", lot, r["session_id"]) for r in rows}
        finally:
            await conn.close()
    return out


async def behind(bootstrap: str, groups: dict[str, list[str]]) -> dict[str, int]:
    """Per consumer group, how many messages of its partner topics it has not committed yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await reader.start()
    try:
        await reader.topics()  # metadata, for partitions_for_topic
        out = {}
        for group, topics in groups.items():
            tps = [TopicPartition(t, p) for t in topics for p in sorted(reader.partitions_for_topic(t) or ())]
            ends = await end_offsets(reader, tps)  # true ends: Tansu's answer is short (reading.py)
            got = await admin.list_consumer_group_offsets(group, partitions=tps)
            out[group] = sum(max(0, ends[tp] - max(0, got[tp].offset if tp in got else 0)) for tp in tps)
        return out
    finally:
        await reader.stop()
        await admin.close()


async def until(watch: Watch, check, timeout: float, what: str) -> None:
    """Read on until `check()` holds; a deadline, never a sleep."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        await watch.poll()


async def wait_answered(cfg: Config, out: Outcome, gs: dict, progress, t0: float) -> None:
    """Until every answer, effect and commit is in, or nothing has changed for STALLED seconds."""
    watch, shown, state, changed = out.watch, 0.0, None, time.monotonic()
    wanted: dict[str, list[str]] = {}
    for e in out.effects:
        if e[0] == "session":
            wanted.setdefault(e[1], []).append(e[2])
    while True:
        for _ in range(5):
            await watch.poll()
        missing = [s for s in out.sent if s.refused_by_broker is None and (
            (s.topic, s.partition, s.offset) not in watch.letters if s.expect != REJECTED
            else ("rejected", s.referral_id) not in watch.facts)]
        out.sessions = await sessions(cfg.database_url, wanted, cfg.workshops_db or (
            lambda lot: database_for("workshops", lot, cfg.namespace)))
        facts = watch.facts | out.sessions
        effects = out.effects - facts
        out.behind = await behind(cfg.bootstrap, gs)
        lag = sum(out.behind.values())
        if not missing and not effects and not lag:
            return
        if (len(missing), len(effects), lag) != state:
            state, changed = (len(missing), len(effects), lag), time.monotonic()
        elif time.monotonic() - changed > STALLED:
            return  # nothing more is coming: report.py says what is missing
        if time.monotonic() - shown > 5:
            shown = time.monotonic()
            progress(f"  {shown - t0:5.1f}s  unanswered hostile {len(missing)}, good without effect "
                     f"{len(effects)}, uncommitted {lag}")
        if time.monotonic() - t0 > cfg.timeout:
            return  # report.py says what is missing
