"""Sends the demo's cases phase by phase, waits for each phase's facts, then says where to look."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.topics import namespaced
from ptfc.demo.cases import Phase, parents, phases
from ptfc.kit.settings import Settings
from ptfc.stack import local

ROOT = Path(__file__).resolve().parents[2]

PHASE_TIMEOUT = 120.0


class DemoError(RuntimeError):
    pass


async def _seen(consumer: AIOKafkaConsumer, topic: str, wanted: set[tuple[str, str]], found: set) -> None:
    for records in (await consumer.getmany(timeout_ms=300)).values():
        for r in records:
            try:
                e = json.loads(r.value)
                keys = {e.get("subject"), (e.get("data") or {}).get("person_id")}
            except (ValueError, AttributeError):
                continue
            found |= {(t, k) for t, k in wanted if t == e.get("type") and k in keys}


async def _reader(servers: str, topic: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    parts = consumer.partitions_for_topic(topic) or set()
    for _ in range(50):
        if parts:
            break
        await consumer.force_metadata_update()
        await asyncio.sleep(0.1)
        parts = consumer.partitions_for_topic(topic) or set()
    if not parts:
        await consumer.stop()
        raise DemoError(f"topic {topic} does not exist: is the system running (`make run`)?")
    tps = [TopicPartition(topic, p) for p in parts]
    consumer.assign(tps)
    await consumer.seek_to_beginning(*tps)
    return consumer


async def _phase(servers: str, producer: AIOKafkaProducer, ns: str, n: int, total: int, phase: Phase) -> None:
    started = time.monotonic()
    readers = {t: await _reader(servers, namespaced(ns, t)) for t in {t for t, _, _ in phase.waits_for}}
    try:
        for topic, env in phase.messages:
            await producer.send(namespaced(ns, topic), json.dumps(env).encode(), key=env["subject"].encode())
        await producer.flush()
        print(f"[{n}/{total}] {phase.title}: {len(phase.messages)} messages sent", flush=True)
        for topic, reader in readers.items():
            wanted = {(t, k) for tp, t, k in phase.waits_for if tp == topic}
            found: set = set()
            while found != wanted:
                if time.monotonic() - started > PHASE_TIMEOUT:
                    raise DemoError(f"{phase.title}: {len(wanted - found)} expected facts did not appear on "
                                    f"{topic} within {PHASE_TIMEOUT:.0f} s (see the services' logs)")
                await _seen(reader, topic, wanted, found)
        print(f"      ... {len(phase.waits_for)} facts seen ({time.monotonic() - started:.1f} s)", flush=True)
    finally:
        for reader in readers.values():
            await reader.stop()


async def demo(settings: Settings | None = None, email_domain: str = "demo.example") -> tuple[str, datetime]:
    settings = settings or local.settings(ROOT)  # `make run`'s stack unless the environment names one
    servers = settings.kafka_bootstrap_servers
    run, now = uuid.uuid4().hex[:6], datetime.now(timezone.utc)
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all")
    try:
        await asyncio.wait_for(producer.start(), 15)
    except Exception as exc:
        raise DemoError(f"no broker at {servers} ({type(exc).__name__}): start the system with `make run`") from None
    try:
        steps = phases(run, now, email_domain)
        for n, phase in enumerate(steps, 1):
            await _phase(servers, producer, settings.topic_namespace, n, len(steps), phase)
    finally:
        await producer.stop()
    return run, now


def where_to_look(run: str, now: datetime) -> str:
    first = min(p.day0 for p in parents(run, now)).date()
    mail = local.var_dir(ROOT) / "mail"
    return "\n".join([
        f"Demo {run}: four parents (cases DEMO-{run}-AB, -C, -D) went through the programme.",
        f"  Emails (invitations, reminders, certificates, reports to the FCA and court): {mail}/*.eml",
        "  Alex and Sam Rivers completed (certificates, completion reports, an agreed parenting plan);",
        "  Jordan Lake never started and was reported at day 42; Casey Brook got a reminder with a new link.",
        f"  Figures: ptfc report --from {first} --to {now.date()}",
    ])
