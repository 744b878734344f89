"""The system's state for operators: each service instance's consumer lag, read from Kafka, and
(optionally) each service's readiness, read from its health URL.

Lag of a consumer group = for every partition of a topic it reads, the end offset minus its
committed offset (a partition it has not committed yet counts from the beginning). A topic counts
as read by a group once the group has committed an offset on any of its partitions: a group that
has committed nothing yet shows as "no offsets committed yet", not as zero.
"""
from __future__ import annotations

import asyncio
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from contracts.lots import LOTS
from contracts.topics import all_topics, namespaced
from ptfc.catalogue import instances
from ptfc.kit.reading import end_offsets

HEALTH_URLS = "REPORTING_HEALTH_URLS"  # instance=url,instance=url (the stack of `make run` sets it)


@dataclass(frozen=True)
class Lag:
    instance: str
    group: str
    lag: int | None  # None: the group has committed no offset yet
    partitions: int


def groups(namespace: str, reporting_group: str) -> dict[str, str]:
    """Consumer group per service instance (kit.service group_id); reporting's is its generation's."""
    out = {}
    for name, lot in instances():
        inst = f"{name}.{lot}" if lot else name
        out[inst] = reporting_group if name == "reporting" else namespaced(namespace, inst)
    return out


def lag_of(instance: str, group: str, committed: dict[Any, int], begin: dict[Any, int], end: dict[Any, int]) -> Lag:
    """Pure: the lag from offsets (committed -1: none) over the topics the group has committed on."""
    read = {tp.topic for tp, off in committed.items() if off >= 0}
    mine = [tp for tp in end if tp.topic in read]
    if not mine:
        return Lag(instance, group, None, 0)
    total = sum(max(0, end[tp] - max(committed.get(tp, -1), begin.get(tp, 0))) for tp in mine)
    return Lag(instance, group, total, len(mine))


async def consumer_lags(bootstrap: str, namespace: str, reporting_group: str, timeout: float = 10.0,
                        security: dict[str, Any] | None = None) -> list[Lag]:
    """`security`: SASL/TLS client arguments (ptfc.kit.kafka_security.client_kwargs)."""
    lots = [lot for lot in os.environ.get("LOTS", ",".join(LOTS)).split(",") if lot]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000),
                                **(security or {}))
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                              request_timeout_ms=int(timeout * 1000), **(security or {}))
    try:
        async with asyncio.timeout(timeout):
            await admin.start()
            await reader.start()
            known = await reader.topics()
            names = [namespaced(namespace, t) for t in all_topics(lots) if namespaced(namespace, t) in known]
            tps = [TopicPartition(t, p) for t in names for p in sorted(reader.partitions_for_topic(t) or ())]
            # Not the broker's end offsets alone: Tansu's are short by its last batch (reading.py).
            begin, end = await reader.beginning_offsets(tps), await end_offsets(reader, tps, timeout)
            out = []
            for inst, group in groups(namespace, reporting_group).items():
                # Partitions named: the broker answers -1 for those without a commit (and Tansu
                # cannot answer the "every partition" form of the request).
                got = await admin.list_consumer_group_offsets(group, partitions=tps) if tps else {}
                out.append(lag_of(inst, group, {tp: m.offset for tp, m in got.items()}, begin, end))
            return out
    finally:
        await reader.stop()
        await admin.close()


def health_urls() -> dict[str, str]:
    pairs = [p.split("=", 1) for p in os.environ.get(HEALTH_URLS, "").split(",") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs if k.strip() and v.strip().startswith(("http://", "https://"))}


def _ready(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (operator-configured URL)
            return "ready" if r.status == 200 else f"HTTP {r.status}"
    except urllib.error.HTTPError as exc:
        return "not ready" if exc.code == 503 else f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return f"unreachable ({type(exc).__name__})"


async def readiness() -> dict[str, str]:
    """Each configured instance's /health/ready, probed at once (2 s each at most)."""
    urls = health_urls()
    answers = await asyncio.gather(*(asyncio.to_thread(_ready, u) for u in urls.values()))
    return dict(zip(urls, answers))
