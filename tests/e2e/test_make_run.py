"""`make run`'s command, `ptfc stack`: everything starts, a referral becomes an .eml, Ctrl-C stops all."""
from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
from aiokafka import AIOKafkaProducer

from contracts import referral as R
from ptfc.catalogue import instances
from ptfc.stack.ports import StackError, free_port, require_free
from tests.support.builders import referral
from tests.support.kafka import envelope, eventually, publish

ROOT = Path(__file__).resolve().parents[2]


def free_range(n: int) -> int:
    """A base port with the n ports from it all free (one per service's HTTP endpoint)."""
    for _ in range(50):
        base = random.randint(20000, 60000)
        try:
            for port in range(base, base + n):
                require_free(port, "test", "-")
            return base
        except StackError:
            continue
    raise RuntimeError("no free port range")


async def test_the_stack_starts_everything_delivers_an_email_and_stops_cleanly(tmp_path):
    kafka, http_base = free_port(), free_range(len(instances()))
    env = {**os.environ, "PTFC_KAFKA_PORT": str(kafka), "PTFC_PG_PORT": str(free_port()),
           "PTFC_SMTP_PORT": str(free_port()), "PTFC_HTTP_BASE": str(http_base), "PTFC_VAR_DIR": str(tmp_path)}
    out = open(tmp_path / "stack.out", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "ptfc.cli", "stack"], cwd=ROOT, env=env, stdout=out,
                            stderr=subprocess.STDOUT)
    text = lambda: (tmp_path / "stack.out").read_text()
    try:
        await eventually(lambda: "all services are up" in text() or proc.poll() is not None, timeout=180,
                         what="the stack up")
        assert proc.poll() is None, text()
        assert text().count(" up ") == len(instances()), text()
        children = psutil.Process(proc.pid).children(recursive=True)
        req = referral()
        producer = AIOKafkaProducer(bootstrap_servers=f"127.0.0.1:{kafka}")
        await producer.start()
        await publish(producer, "ptfc.partner.referrals", envelope(R.REQUESTED, req, subject=req["case_number"]),
                      req["case_number"])
        await producer.stop()
        mail = tmp_path / "mail"
        emails = await eventually(lambda: list(mail.glob("*.eml")), timeout=60, what="an .eml file")
        assert req["parent"]["email"] in emails[0].read_text()
        # A newcomer's next command, with nothing set, reaches the stack they just started.
        assert json.loads((tmp_path / "stack.json").read_text())["kafka_bootstrap_servers"] == f"127.0.0.1:{kafka}"
        bare = {k: v for k, v in env.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")}
        status = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "ptfc.cli", "status"], cwd=ROOT,
                                         env=bare, capture_output=True, text=True, timeout=60)
        assert status.returncode == 0 and "referral" in status.stdout, status.stderr[-500:]
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert await asyncio.to_thread(proc.wait, 60) == 0
        assert text().rstrip().endswith("stopped.")
        assert not (tmp_path / "stack.json").exists()
        time.sleep(1)
        assert [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE] == []
    finally:
        if proc.poll() is None:
            proc.kill()
