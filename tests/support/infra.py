"""The real broker and database for a test session.

Chosen explicitly, never by probing: servers named by KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL are used
as they are; otherwise PTFC_TEST_SERVERS picks `embedded` (the default: Tansu + embedded PostgreSQL,
nothing to pull) or `testcontainers` (needs a Docker engine that can pull the broker and database
images). A Docker engine on the machine does not change the choice: it often cannot pull images.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ptfc.stack import broker, database
from ptfc.stack.ports import free_port


@dataclass
class Infra:
    kafka: str
    database_url: str
    kind: str


def _docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def start(stack: ExitStack) -> Infra:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    dburl = os.environ.get("DATABASE_URL")
    if kafka and dburl:
        return Infra(kafka, dburl, "external")
    choice = os.environ.get("PTFC_TEST_SERVERS", "embedded")
    if choice not in ("embedded", "testcontainers"):
        raise RuntimeError(f"PTFC_TEST_SERVERS must be 'embedded' or 'testcontainers', not {choice!r}")
    if choice == "testcontainers":
        if not _docker_available():
            raise RuntimeError("PTFC_TEST_SERVERS=testcontainers, but no Docker engine answers `docker info`")
        from testcontainers.kafka import KafkaContainer
        from testcontainers.postgres import PostgresContainer
        if not kafka:
            k = stack.enter_context(KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft())
            kafka = k.get_bootstrap_server()
        if not dburl:
            p = stack.enter_context(PostgresContainer("postgres:16-alpine", driver=None))
            dburl = p.get_connection_url()
        return Infra(kafka, dburl, "testcontainers")
    root = Path(tempfile.mkdtemp(prefix="ptfc-test-"))
    stack.callback(shutil.rmtree, root, ignore_errors=True)
    if not kafka:
        port = free_port()
        proc = broker.start_tansu(port, root / "tansu.log")
        stack.callback(database.stop, proc)
        kafka = f"127.0.0.1:{port}"
    if not dburl:
        port = free_port()
        proc = database.start_postgres(root / "pg", port, root / "pg.log", durable=False)
        stack.callback(database.stop, proc)
        dburl = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    return Infra(kafka, dburl, "embedded")


# A service's start waits half of this for its consumer group on Tansu (ptfc/kit/subscribe.py):
# 3 s rather than production's 10 s saves ~3.5 s on each of the suite's service starts, with a
# heartbeat every 600 ms still well inside it on a loaded two-core machine.
TEST_SESSION_TIMEOUT_MS = 3000


async def namespaced(infra, ns: str):
    """Settings for one namespace (its own topics and consumer groups) on the session's servers."""
    from ptfc.kit.settings import Settings
    from ptfc.kit.topic_admin import ensure_topics
    s = Settings(kafka_bootstrap_servers=infra.kafka, database_url=infra.database_url,
                 topic_namespace=ns, kafka_topic_partitions=2, retry_base_seconds=0.05,
                 retry_max_seconds=1.0, park_max_seconds=1.0, log_level="WARNING",
                 kafka_session_timeout_ms=TEST_SESSION_TIMEOUT_MS)
    await ensure_topics(s, ["lot-north", "lot-east"])
    return s
