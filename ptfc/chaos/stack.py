"""The run's own stack, and the hands that break it: SIGKILL a service, stop PostgreSQL, cut the
broker off. Every service runs as `ptfc run <service>` (the container entry point), as `make run`
starts them, each logging in as its own role.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ptfc import supervisor
from ptfc.kit.settings import Settings
from ptfc.kit.topic_admin import ensure_topics
from ptfc.provision import provision
from ptfc.stack import broker, database
from ptfc.stack.ports import free_port, wait_for_port
from ptfc.chaos.mail import Mailbox

PASSWORD = "ptfc-chaos"


@dataclass
class Stack:
    root: Path
    lots: list[str]
    durable: bool
    env_extra: dict[str, str] = field(default_factory=dict)
    procs: dict = field(default_factory=dict)  # label -> (label, port, Popen)
    servers: dict = field(default_factory=dict)  # tansu, proxy, postgres -> Popen
    mailbox: Mailbox | None = None

    def start(self) -> "Stack":
        kafka, self.bootstrap_port, self.pg_port = free_port(), free_port(), free_port()
        self.root.mkdir(parents=True, exist_ok=True)
        # The broker advertises the proxy: every client reaches it only through the proxy.
        log = open(self.root / "tansu.log", "ab")
        self.servers["tansu"] = subprocess.Popen(
            [broker.tansu_binary(), "broker", "--listener-url", f"tcp://127.0.0.1:{kafka}",
             "--advertised-listener-url", f"tcp://127.0.0.1:{self.bootstrap_port}",
             "--storage-engine", "memory://tansu/"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(kafka, "the Tansu broker", proc=self.servers["tansu"])
        self.servers["proxy"] = subprocess.Popen(
            [sys.executable, "-m", "ptfc.chaos.proxy", str(self.bootstrap_port), str(kafka)], start_new_session=True)
        wait_for_port(self.bootstrap_port, "the broker proxy", proc=self.servers["proxy"])
        self.start_postgres()
        self.mailbox = Mailbox(free_port()).start()
        asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=self.bootstrap), self.lots))
        from ptfc.catalogue import instances
        self.instances = instances(self.lots)
        roles = asyncio.run(provision(self.admin_url, self.instances, PASSWORD))
        base = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap, "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(self.mailbox.port), "SMTP_SECURITY": "none", "LOG_LEVEL": "WARNING",
                "LOTS": ",".join(self.lots), "TOPIC_NAMESPACE": "", **self.env_extra}
        self.envs = {}
        for name, lot in self.instances:
            label = f"{name}.{lot}" if lot else name
            self.envs[label] = {**base, "DATABASE_URL": f"postgresql://{roles[label]}:{quote(PASSWORD)}@127.0.0.1:"
                                                        f"{self.pg_port}/postgres"}
            self.spawn(label, free_port())
        return self

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.bootstrap_port}"

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/postgres"

    def spawn(self, label: str, port: int) -> None:
        name, _, lot = label.partition(".")
        self.procs[label] = supervisor.spawn(name, lot or None, self.envs[label], port, str(self.root))

    def start_postgres(self) -> None:
        self.servers["postgres"] = database.start_postgres(self.root / "pg", self.pg_port, self.root / "pg.log",
                                                           durable=self.durable)

    def ready(self, labels: list[str] | None = None) -> bool:
        return all(supervisor.ready(self.procs[label][1]) for label in (labels or list(self.procs)))

    async def wait_ready(self, labels: list[str] | None = None, timeout: float = 180.0) -> float:
        """Seconds until every one answers ready (a stalled one raises TimeoutError)."""
        t0 = time.monotonic()
        while not await asyncio.to_thread(self.ready, labels):
            if time.monotonic() - t0 > timeout:
                raise TimeoutError(f"not ready within {timeout:.0f} s: {labels or 'all'}; logs in {self.root}")
            await asyncio.sleep(0.2)
        return time.monotonic() - t0

    async def unready_after(self, seconds: float) -> list[str]:
        await asyncio.sleep(seconds)
        return [label for label, port, _ in list(self.procs.values())
                if not await asyncio.to_thread(supervisor.ready, port)]

    # --- the faults ---------------------------------------------------------------------------

    async def kill(self, label: str, down: float) -> None:
        """SIGKILL (no clean-up of any kind), then its supervisor starts it again after `down`."""
        _, port, proc = self.procs[label]
        proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(proc.wait)
        await asyncio.sleep(down)
        self.spawn(label, port)

    async def stop_postgres(self, down: float) -> None:
        """A fast shutdown (SIGINT: sessions ended, a clean checkpoint), down for `down` seconds,
        then the same data directory started again on the same port."""
        proc = self.servers["postgres"]
        proc.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        await asyncio.to_thread(proc.wait, 60)
        await asyncio.sleep(max(0.0, down - (time.monotonic() - t0)))
        await asyncio.to_thread(self.start_postgres)

    async def cut_broker(self, down: float) -> None:
        """Every client connection reset and new ones refused for `down` seconds (see proxy.py)."""
        self.servers["proxy"].send_signal(signal.SIGUSR1)
        await asyncio.sleep(down)
        self.servers["proxy"].send_signal(signal.SIGUSR2)

    def stop(self) -> None:
        supervisor.stop_all(list(self.procs.values()))
        if self.mailbox:
            self.mailbox.stop()
        for name in ("proxy", "postgres", "tansu"):
            if name in self.servers:
                database.stop(self.servers[name])
