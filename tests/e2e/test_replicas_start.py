"""Scaling a lot: replicas of one service started at the same moment, with no database yet, all
come up; the database is created once and its migrations applied once."""
from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from pathlib import Path

import asyncpg

from ptfc import supervisor
from ptfc.db_names import database_for
from ptfc.kit import db
from ptfc.kit.settings import Settings
from ptfc.kit.topic_admin import ensure_topics
from ptfc.stack.ports import free_port
from services.workshops import app as workshops
from tests.support.http import call
from tests.support.kafka import eventually

LOT = "lot-north"
REPLICAS = 3


def migration_names() -> set[str]:
    kit = {f"kit/{f.name}" for f in db.KIT_MIGRATIONS.glob("*.sql")}
    return kit | {f"service/{f.name}" for f in (workshops.SPEC.package_dir / "migrations").glob("*.sql")}


async def _all_ready(ports: list[int], procs) -> bool:
    exited = [p.returncode for p in procs if p.poll() is not None]
    assert not exited, f"a replica exited (codes {exited})"
    return all([await _ready(port) for port in ports])


async def _ready(port: int) -> bool:
    try:
        return (await call("GET", f"http://127.0.0.1:{port}/health/ready"))[0] == 200
    except OSError:  # not listening yet
        return False


async def test_three_workshops_replicas_started_at_once_on_a_new_namespace_all_become_ready(infra):
    ns = "r" + uuid.uuid4().hex[:10]
    await ensure_topics(Settings(kafka_bootstrap_servers=infra.kafka, topic_namespace=ns,
                                 kafka_topic_partitions=2), [LOT])
    database = database_for("workshops", LOT, ns)
    admin = await asyncpg.connect(infra.database_url)
    try:
        assert not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": infra.kafka, "DATABASE_URL": infra.database_url,
               "TOPIC_NAMESPACE": ns, "KAFKA_TOPIC_PARTITIONS": "2", "LOG_LEVEL": "INFO",
               "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        logs = [Path(tempfile.mkdtemp(prefix=f"ptfc-replica{i}-")) for i in range(REPLICAS)]
        replicas = [supervisor.spawn("workshops", LOT, env, free_port(), str(d)) for d in logs]
        procs, ports = [p for _, _, p in replicas], [port for _, port, _ in replicas]
        try:
            await eventually(lambda: _all_ready(ports, procs), timeout=90, interval=0.5,
                             what=f"{REPLICAS} replicas ready; logs in {[str(d) for d in logs]}")
            await asyncio.sleep(1)  # still alive a moment later, not just briefly ready
            assert [p.poll() for p in procs] == [None] * REPLICAS
        finally:
            await asyncio.to_thread(supervisor.stop_all, replicas)
        texts = [next(d.glob("*.log")).read_text(errors="replace") for d in logs]
        assert sum("database.created" in t for t in texts) == 1
        assert sum("migrations.applied" in t for t in texts) == 1
        assert await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", database) == 1
        mine = await asyncpg.connect(db.with_database(infra.database_url, database))
        try:
            rows = [r["name"] for r in await mine.fetch("SELECT name FROM schema_migrations")]
        finally:
            await mine.close()
        assert sorted(rows) == sorted(migration_names())
    finally:
        await admin.close()
