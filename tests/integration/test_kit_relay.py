"""The relay: killed with SIGKILL mid-batch it loses nothing and keeps each case's order; woken by NOTIFY."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys

import asyncpg

from contracts import topics as T
from ptfc.kit import db
from tests.support.kafka import TopicReader, eventually

ROWS, CASES, BATCH = 20_000, 50, 500


async def test_relay_killed_mid_batch_republishes_and_loses_nothing(settings, ns):
    database = f"{ns}_relay"
    await db.ensure_database(settings.database_url, database)
    dsn = db.with_database(settings.database_url, database)
    pool = await db.create_pool(dsn, 4)
    await db.migrate(pool, None)
    topic = f"{ns}.{T.LEARNING_EVENTS}"
    await pool.executemany("INSERT INTO outbox(topic, key, value) VALUES ($1, $2, $3)",
                           [(topic, f"case-{n % CASES}", json.dumps({"n": n}).encode()) for n in range(ROWS)])
    cmd = [sys.executable, "-m", "tests.support.relay_proc", dsn, settings.kafka_bootstrap_servers, str(BATCH)]
    sent = "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"
    reader = await TopicReader(settings.kafka_bootstrap_servers, topic).start()
    proc = None
    try:
        # Freeze the relay (SIGSTOP) and compare what the broker holds with what the database
        # calls sent; only a relay frozen mid-batch (published, not yet marked) is killed. Its
        # UPDATE may already be on the wire to Postgres when it froze, and then commits anyway:
        # that kill was not mid-batch, so a fresh relay is started and caught again.
        marked_at_kill = on_broker = 0
        for _ in range(5):
            proc = subprocess.Popen(cmd, env=os.environ.copy())
            marked = await pool.fetchval(sent)
            await eventually(lambda: _at_least(pool, sent, marked + BATCH), timeout=60, interval=0.01,
                             what="the relay under way")
            for _ in range(2000):
                proc.send_signal(signal.SIGSTOP)
                on_broker = await _on_broker(reader)
                marked_at_kill = await pool.fetchval(sent)
                if marked_at_kill < on_broker:
                    proc.send_signal(signal.SIGKILL)
                    break
                proc.send_signal(signal.SIGCONT)
                await asyncio.sleep(0.002)
            proc.kill()  # if never caught: the relay would otherwise run on
            proc.wait()
            await asyncio.sleep(0.2)  # let an UPDATE sent before the freeze land, if there was one
            marked_at_kill = await pool.fetchval(sent)
            if marked_at_kill < on_broker:
                break
        assert marked_at_kill < on_broker < ROWS + 1, "never caught the relay mid-batch"
        proc = subprocess.Popen(cmd, env=os.environ.copy())
        await eventually(lambda: _equals(pool, sent, ROWS), timeout=90, what="all rows marked sent")
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        await pool.close()
    await reader.wait_for(lambda es: len({e["n"] for e in es}) == ROWS, timeout=60, what="every row on the topic")
    numbers = [(r.key.decode(), json.loads(r.value)["n"]) for r in reader.records]
    await reader.stop()
    first_seen: dict[str, list[int]] = {}
    seen: set[int] = set()
    for key, n in numbers:
        if n not in seen:
            seen.add(n)
            first_seen.setdefault(key, []).append(n)
    assert seen == set(range(ROWS))
    assert len(numbers) > ROWS, "killed mid-batch, so part of that batch is published twice"
    for key, ns_ in first_seen.items():  # per case, first deliveries come in decision order
        assert ns_ == sorted(ns_), key
    print(f"relay kill: {on_broker} on the broker, {marked_at_kill} marked sent at the kill, "
          f"{len(numbers) - ROWS} republished")


async def _on_broker(reader: TopicReader) -> int:
    """How many records the topic holds now (sum of end offsets)."""
    tps = list(reader.consumer.assignment())
    return sum((await reader.consumer.end_offsets(tps)).values())


async def _at_least(pool, sql, value) -> bool:
    return await pool.fetchval(sql) >= value


async def _equals(pool, sql, value) -> bool:
    return await pool.fetchval(sql) == value


async def test_inserts_wake_the_relay_and_the_sender(settings, ns):
    """The kit's notify_channel() trigger: the relay LISTENs on ptfc_outbox, the email sender on
    ptfc_notifications; without the wake-up they would only look every second."""
    from pathlib import Path
    database = f"{ns}_notify"
    await db.ensure_database(settings.database_url, database)
    dsn = db.with_database(settings.database_url, database)
    pool = await db.create_pool(dsn, 2)
    await db.migrate(pool, Path(__file__).parents[2] / "services" / "notifications")
    heard: list[str] = []
    listener = await asyncpg.connect(dsn)
    for channel in ("ptfc_outbox", "ptfc_notifications"):
        await listener.add_listener(channel, lambda _c, _pid, chan, _payload: heard.append(chan))
    try:
        await pool.executemany("INSERT INTO outbox(topic, key, value) VALUES ($1, $2, $3)",
                               [("t", "k", b"1"), ("t", "k", b"2")])
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO contacts(contact_id, role, name, email, case_number) "
                               "VALUES ('c1', 'fca', 'x', 'x@example.org', 'C')")
            await conn.execute("INSERT INTO notifications(notification_id, case_number, template, contact_id, "
                               "context) VALUES ('n1', 'C', 'invitation', 'c1', '{}')")
        await eventually(lambda: _heard(heard, {"ptfc_outbox", "ptfc_notifications"}), what="both wake-ups")
    finally:
        await listener.close()
        await pool.close()


async def _heard(heard: list[str], channels: set[str]) -> bool:
    return channels <= set(heard)
