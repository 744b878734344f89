"""Gathers the evidence after the run: every topic read to its end, every service's outbox, inbox,
parked events and dead letters, the notifications recorded as sent, and what each instance reads.

Order matters, as the services may still be at work: outboxes, then topics, then the rest
(run.evidence), each read judging only what the one before it could see."""
from __future__ import annotations

import json

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts import notification as N
from ptfc.chaos.verdict import Evidence, Fact
from ptfc.db_names import database_for
from ptfc.kit.db import with_database


def fact(topic: str, raw: bytes | None) -> Fact | None:
    try:
        e = json.loads(raw or b"")
        data = e.get("data") if isinstance(e.get("data"), dict) else {}
        if e.get("type") == N.REQUESTED:
            data = {k: v for k, v in data.items() if k != "attachments"}  # a certificate's PDF: not needed
        return Fact(topic, str(e["id"]), str(e["source"]), str(e["type"]), str(e.get("subject")), data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


async def read_topics(bootstrap: str, topics: list[str]) -> tuple[list[Fact], int]:
    """Every record of every topic up to the end offsets taken now; (facts, records not events)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                max_partition_fetch_bytes=16 * 1024 * 1024)
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t in topics for p in (consumer.partitions_for_topic(t) or [])]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        # Not "up to the end offsets": Tansu 0.6 answers ListOffsets(latest) with the last batch's
        # first offset + 1, short of the records after it. So: at least that far, then until quiet.
        ends = await consumer.end_offsets(tps)
        facts, junk, idle = [], 0, 0
        while idle < 2 or any([await consumer.position(tp) < ends[tp] for tp in tps]):
            batch = await consumer.getmany(timeout_ms=500, max_records=10000)
            idle = 0 if batch else idle + 1
            for tp, records in batch.items():
                for r in records:
                    f = fact(tp.topic, r.value)
                    if f is None:
                        junk += 1
                    else:
                        facts.append(f)
        return facts, junk
    finally:
        await consumer.stop()


def routes(instances: list[tuple[str, str | None]]) -> dict[str, dict[str, frozenset[str]]]:
    """Topic -> handled types of each instance, from its own router (nothing is connected)."""
    from ptfc.kit.service import Service
    from ptfc.kit.settings import Settings
    from ptfc.catalogue import spec
    out = {}
    for name, lot in instances:
        svc = Service(spec(name), Settings(lot=lot, topic_namespace=""))
        svc.make_broker()
        out[svc.instance] = {t: frozenset(r.handlers) for t, r in svc.consumer.routes.items()}
    return out


async def _each(admin_url: str, instances: list[tuple[str, str | None]], read) -> dict:
    """`read(conn, name)` on every instance's database, one after the other: instance -> result."""
    out = {}
    for name, lot in instances:
        conn = await asyncpg.connect(with_database(admin_url, database_for(name, lot)), timeout=10)
        try:
            out[f"{name}.{lot}" if lot else name] = await read(conn, name)
        finally:
            await conn.close()
    return out


async def fingerprint(admin_url: str, instances: list[tuple[str, str | None]]) -> dict[str, tuple]:
    """What changes whenever a service does anything: taken before and after the evidence is read
    (verdict.unsettled), so that the proof is of a system at rest, not of one caught mid-step."""
    async def read(conn: asyncpg.Connection, name: str) -> tuple:
        emails = ("SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status IN "
                  "('pending', 'sending')) FROM notifications") if name == "notifications" else "SELECT 0, 0"
        return (*await conn.fetchrow("SELECT count(*), coalesce(max(id), 0), count(*) FILTER (WHERE sent_at IS NULL) "
                                     "FROM outbox"),
                await conn.fetchval("SELECT count(*) FROM inbox"), await conn.fetchval("SELECT count(*) FROM parked"),
                await conn.fetchval("SELECT count(*) FROM dead_letters"), *await conn.fetchrow(emails))
    return await _each(admin_url, instances, read)


async def outboxes(admin_url: str, instances: list[tuple[str, str | None]], ev: Evidence) -> None:
    """Read BEFORE the topics: a row the relay marked sent was acknowledged by the broker before
    the topics are read, so one missing there is lost. A row not sent yet is not "lost" but
    "unsent" (a failure of its own if it stays so); a row written after this read is not judged
    by this round (a later round, or `unsettled`, sees it)."""
    async def read(conn: asyncpg.Connection, _: str) -> list:
        return await conn.fetch("SELECT topic, value, sent_at IS NULL AS unsent FROM outbox")
    for inst, rows in (await _each(admin_url, instances, read)).items():
        ev.outboxes[inst] = [(r["topic"], (fact(r["topic"], r["value"]) or _NOID).id) for r in rows if not r["unsent"]]
        ev.unsent[inst] = sum(r["unsent"] for r in rows)


async def states(admin_url: str, instances: list[tuple[str, str | None]], ev: Evidence) -> set[str]:
    """Read AFTER the topics (an event read there is in its inbox by now, or never applied): fills
    `ev`'s inboxes, parked events and dead letters; returns the Message-IDs recorded as sent."""
    sent: set[str] = set()

    async def one(conn: asyncpg.Connection, name: str) -> tuple:
        inbox = {(r["source"], r["id"]) for r in await conn.fetch("SELECT source, id FROM inbox")}
        counts = (await conn.fetchval("SELECT count(*) FROM parked"),
                  await conn.fetchval("SELECT count(*) FROM dead_letters"))
        mail = await conn.fetch("SELECT notification_id, status FROM notifications") if name == "notifications" else None
        return inbox, counts, mail
    for inst, (inbox, (parked, dead), mail) in (await _each(admin_url, instances, one)).items():
        ev.inboxes[inst], ev.parked[inst], ev.dead_letters[inst] = inbox, parked, dead
        if mail is not None:
            from services.notifications.domain.delivery import message_id
            sent = {message_id(r["notification_id"]) for r in mail if r["status"] == "sent"}
            ev.emails_pending = sum(r["status"] in ("pending", "sending") for r in mail)
    return sent


_NOID = Fact("", "?", "", "", "", {})

