"""The whole system as OS processes (`ptfc run <service>`, the container entry point)."""
from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest_asyncio

from ptfc import supervisor
from ptfc.kit.settings import Settings
from ptfc.kit.topic_admin import ensure_topics
from ptfc.catalogue import instances
from ptfc.stack.ports import free_port
from ptfc.stack.smtp_sink import SmtpSink
from tests.support.infra import TEST_SESSION_TIMEOUT_MS

LOT = "lot-north"


@dataclass
class System:
    ns: str
    env: dict
    log_dir: Path
    sink: SmtpSink
    procs: dict = field(default_factory=dict)  # label -> (label, port, Popen)

    def topic(self, name: str) -> str:
        return f"{self.ns}.{name}"

    def port(self, label: str) -> int:
        return self.procs[label][1]

    def start(self, name: str, lot: str | None = None, port: int | None = None) -> None:
        label = f"{name}.{lot}" if lot else name
        self.procs[label] = supervisor.spawn(name, lot, self.env, port or free_port(), str(self.log_dir))

    async def wait_ready(self, labels: list[str] | None = None) -> None:
        chosen = [self.procs[l] for l in (labels or list(self.procs))]
        ok = await asyncio.to_thread(supervisor.wait_ready, chosen, 120.0, lambda *_: None)
        assert ok, f"services not ready; logs in {self.log_dir}"

    def set_clock(self, at) -> None:
        """Every service's timers read "now" from this file (CLOCK=file:...); absent: real time."""
        tmp = self.log_dir / "clock.tmp"
        tmp.write_text(at.isoformat())
        tmp.replace(self.log_dir / "clock")

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.log_dir.glob("*.log"))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def system(infra):
    ns = "e" + uuid.uuid4().hex[:10]
    settings = Settings(kafka_bootstrap_servers=infra.kafka, topic_namespace=ns, kafka_topic_partitions=2)
    await ensure_topics(settings, [LOT])
    sink = SmtpSink(free_port()).start()
    log_dir = Path(tempfile.mkdtemp(prefix="ptfc-e2e-"))
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": infra.kafka, "DATABASE_URL": infra.database_url,
           "TOPIC_NAMESPACE": ns, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port),
           "SMTP_LEASE_SECONDS": "3", "PARK_MAX_SECONDS": "2", "RETRY_BASE_SECONDS": "0.05", "KAFKA_TOPIC_PARTITIONS": "2",
           "KAFKA_SESSION_TIMEOUT_MS": str(TEST_SESSION_TIMEOUT_MS),
           "PARENT_HUB_URL": "https://hub.example/parent-hub", "LOG_LEVEL": "INFO",
           "CLOCK": f"file:{log_dir / 'clock'}", "CERTIFICATE_API_TOKEN": "e2e-" + uuid.uuid4().hex,
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    sys_ = System(ns, env, log_dir, sink)
    for name, lot in instances([LOT]):
        sys_.start(name, lot)
    try:
        await sys_.wait_ready()
        yield sys_
    finally:
        supervisor.stop_all(list(sys_.procs.values()))
        sink.stop()
