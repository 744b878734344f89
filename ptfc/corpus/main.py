"""`ptfc corpus` (`make corpus`): the hostile corpus against every service that reads a partner topic.

By default on an embedded stack started here (Tansu, durable Postgres, as `make bench` does),
each service its own `ptfc run` process, so that each one's memory is measured on its own. With
`--running`, against the stack the environment (or `make run`'s .var/stack.json) names, on its
topics (TOPIC_NAMESPACE; the dead letters stay there); memory is then that of every `ptfc run`
process found on this machine. Prints the counts by reason, per topic, the time taken and each
process's RSS before and after; exits 1 if anything was not answered as it must be.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from contracts.lots import LOTS
from ptfc.corpus import report
from ptfc.corpus.run import Config, run

SERVICES = ["referral", "learning", "plans"]
MAX_RSS_GROWTH_MB = 64.0  # per process: the corpus holds ~45 MB of junk, so a leak of it shows


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # the process is gone: the health check says so
        pass
    return float("nan")


def _report(out) -> int:
    print(report.render(out))
    found = report.problems(out, MAX_RSS_GROWTH_MB)
    print("\n" + ("\n".join(f"PROBLEM: {p}" for p in found) if found else "every hostile message refused with "
                  "a reason, every good one applied, no partition stuck, memory bounded"))
    return 1 if found else 0


def embedded(n: int, seed: int) -> int:
    from ptfc import supervisor
    from ptfc.kit.settings import Settings
    from ptfc.kit.topic_admin import ensure_topics
    from ptfc.stack import broker, database
    from ptfc.stack.ports import free_port
    root, started, procs = Path(tempfile.mkdtemp(prefix="ptfc-corpus-")), [], []
    try:
        kport, pport = free_port(), free_port()
        started.append(broker.start_tansu(kport, root / "tansu.log"))
        started.append(database.start_postgres(root / "pg", pport, root / "pg.log", durable=True))
        bootstrap, ns = f"127.0.0.1:{kport}", "c" + uuid.uuid4().hex[:8]
        asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=bootstrap, topic_namespace=ns), LOTS))
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "TOPIC_NAMESPACE": ns, "LOG_LEVEL": "WARNING",
               "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{pport}/postgres"}
        procs = [supervisor.spawn(name, None, env, free_port(), str(root)) for name in SERVICES]
        procs += [supervisor.spawn("workshops", lot, env, free_port(), str(root)) for lot in LOTS]
        print(f"ptfc corpus: {n} hostile messages; Tansu + embedded Postgres, {len(procs)} services, all local")
        if not supervisor.wait_ready(procs, 120, show=lambda *_: None):
            print(f"services did not start; logs in {root}")
            return 1

        async def health() -> dict:
            return {label: p.poll() is None and supervisor.ready(port) for label, port, p in procs}
        cfg = Config(bootstrap, env["DATABASE_URL"], ns, LOTS, n, seed)
        out = asyncio.run(run(cfg, lambda: {label: rss_mb(p.pid) for label, _, p in procs}, health, progress=print))
        return _report(out)
    finally:
        database.stop_everything(procs, None, started)
        shutil.rmtree(root, ignore_errors=True)


def running(n: int, seed: int, settings) -> int:
    """Against a stack already up. Its services are the `ptfc run` processes on this machine that
    hold a connection to its broker (others' stacks may be running too)."""
    import psutil
    broker_port = int(settings.kafka_bootstrap_servers.split(",")[0].rsplit(":", 1)[1])

    def ours(p) -> bool:
        cmd = p.info["cmdline"] or []
        if "run" not in cmd or cmd[-1] == "all" or not any(c.endswith(("ptfc", "ptfc.cli")) for c in cmd):
            return False
        try:
            return any(c.raddr and c.raddr.port == broker_port for c in p.net_connections("tcp"))
        except psutil.Error:
            return False
    procs = {f"{p.info['cmdline'][-1]} (pid {p.pid})": p.pid for p in psutil.process_iter(["cmdline"]) if ours(p)}

    async def health() -> dict:
        return {label: psutil.pid_exists(pid) for label, pid in procs.items()}
    lots = [lot for lot in os.environ.get("LOTS", ",".join(LOTS)).split(",") if lot]
    cfg = Config(settings.kafka_bootstrap_servers, settings.database_url, settings.topic_namespace, lots, n, seed)
    print(f"ptfc corpus: {n} hostile messages against {cfg.bootstrap} ({len(procs)} ptfc processes found)")
    return _report(asyncio.run(run(cfg, lambda: {k: rss_mb(pid) for k, pid in procs.items()}, health, progress=print)))
