"""`make bench`: referrals per second end to end, latency percentiles, beside a raw baseline.

End to end = a partner's referral event published -> email accepted by the SMTP server, through
referral -> learning -> notifications, each its own process with its own database, on an
embedded stack started here (durable Postgres, as `make run` uses). Baseline = the same number of
messages through a three-hop aiokafka consume-and-produce chain with no database, same broker.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ptfc import supervisor
from ptfc.kit.settings import Settings
from ptfc.kit.topics import ensure_topics
from ptfc.stack import broker, database
from ptfc.stack.ports import free_port
from ptfc.stack.smtp_sink import SmtpSink

CHAIN = ["referral", "learning", "notifications"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int, children: bool = False) -> float:
    import psutil
    try:
        procs = [psutil.Process(pid)]
        if children:
            procs += procs[0].children(recursive=True)
        return sum(sum(p.cpu_times()[:2]) for p in procs)
    except psutil.Error:
        return float("nan")


def referral_event(n: int, run: str) -> tuple[str, bytes, str]:
    """A referral ordered today, as live traffic is (no programme timer is due during the run)."""
    now = datetime.now(timezone.utc)
    case, person = f"BENCH-{run}-{n}", f"P-{run}-{n}"
    email = f"{person.lower()}@parents.example"
    data = {"referral_id": f"R-{run}-{n}", "case_number": case, "route": "court_order", "cafcass_area": "A1",
            "court": "Leeds Family Court", "ordered_on": now.date().isoformat(),
            "parent": {"person_id": person, "given_name": "Alex", "family_name": "Bench", "email": email},
            "co_parent_person_ids": [], "fca": {"name": "Fay Adviser", "email": "fca@cafcass.example"},
            "plan_suitable": True}
    ev = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/partners/cafcass",
          "type": "ptfc.referral.requested.v1", "time": now.isoformat(), "subject": case,
          "datacontenttype": "application/json", "data": data}
    return case, json.dumps(ev).encode(), email


async def baseline(bootstrap: str, n: int, ns: str) -> tuple[float, list[float]]:
    topics = [f"{ns}.hop{i}" for i in range(4)]
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(t, 4, 1) for t in topics])
    await admin.close()
    hops = [subprocess.Popen([sys.executable, "-m", "ptfc.bench_hop", bootstrap, topics[i], topics[i + 1],
                              f"{ns}.hop{i}"]) for i in range(3)]
    consumer = AIOKafkaConsumer(topics[3], bootstrap_servers=bootstrap, group_id=f"{ns}.sink",
                                auto_offset_reset="earliest")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await consumer.start()
    await producer.start()
    try:
        await asyncio.sleep(8)  # let every hop join its group before timing
        sent: dict[bytes, float] = {}
        t0 = time.monotonic()
        for i in range(n):
            key = str(i).encode()
            sent[key] = time.monotonic()
            await producer.send(topics[0], b"x" * 900, key=key)
        await producer.flush()
        latencies, last = [], t0
        while len(latencies) < n:
            batch = await consumer.getmany(timeout_ms=1000)
            now = time.monotonic()
            for recs in batch.values():
                for r in recs:
                    latencies.append(now - sent[r.key])
                    last = now
        return n / (last - t0), latencies
    finally:
        await consumer.stop()
        await producer.stop()
        for h in hops:
            h.kill()


STAGES = [("referral", "SELECT count(*) FROM referrals"), ("learning", "SELECT count(*) FROM invitations"),
          ("queued", "SELECT count(*) FROM notifications"),
          ("sent", "SELECT count(*) FROM notifications WHERE status = 'sent'")]


async def stage_counts(dburl: str, ns: str) -> str:
    """Progress of each hop, read from each service's own database."""
    import asyncpg
    from ptfc.db_names import database_for
    from ptfc.kit.db import with_database
    out = []
    for stage, sql in STAGES:
        service = "notifications" if stage in ("queued", "sent") else stage
        try:
            conn = await asyncpg.connect(with_database(dburl, database_for(service, None, ns)))
            out.append(f"{stage} {await conn.fetchval(sql)}")
            await conn.close()
        except Exception:
            out.append(f"{stage} ?")
    return ", ".join(out)


async def end_to_end(bootstrap: str, n: int, ns: str, sink: SmtpSink, dburl: str,
                     rate: float = 0.0) -> tuple[float, list[float]]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    run = uuid.uuid4().hex[:6]
    topic = f"{ns}.ptfc.partner.referrals"
    try:
        for i in range(20):  # warm up every hop before timing
            case, value, _ = referral_event(i, run + "w")
            await producer.send(topic, value, key=case.encode())
        await producer.flush()
        while len(sink.keeper.arrivals) < 20:
            await asyncio.sleep(0.1)
        base = len(sink.keeper.arrivals)
        sent: dict[str, float] = {}
        t0 = time.monotonic()
        for i in range(n):
            # Paced: latency of the chain itself, not of a queue behind a burst. Released in 10 ms
            # ticks (as a partner's producer batches), not one wake-up per referral, so that the
            # publisher does not take the CPU the chain needs.
            if rate and t0 + i / rate > time.monotonic():
                await asyncio.sleep(max(0.0, t0 + i / rate - time.monotonic()) + 0.01)
            case, value, email = referral_event(i, run)
            sent[email] = time.monotonic()
            await producer.send(topic, value, key=case.encode())
        await producer.flush()
        print(f"  published {n} referrals in {time.monotonic() - t0:.2f}s")
        deadline, shown = time.monotonic() + max(120, n / 20), 0.0
        while len(sink.keeper.arrivals) - base < n and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            if time.monotonic() - shown > 2:
                shown = time.monotonic()
                stages = await stage_counts(dburl, ns)
                print(f"  {time.monotonic() - t0:5.1f}s  {stages}  emails accepted: "
                      f"{len(sink.keeper.arrivals) - base}/{n}", flush=True)
        arrivals = sink.keeper.arrivals[base:]
        # In the order published, so that the first and last tenth can be compared.
        latencies = [lat for _, lat in sorted((sent[to], at - sent[to]) for at, to in arrivals if to in sent)]
        if len(latencies) < n:
            print(f"  WARNING: only {len(latencies)}/{n} emails arrived before the deadline")
        return len(latencies) / (max(at for at, _ in arrivals) - t0), latencies
    finally:
        await producer.stop()


def main(n: int, rate: float = 0.0) -> int:
    root = Path(tempfile.mkdtemp(prefix="ptfc-bench-"))
    started, procs, sink = [], [], None
    try:
        kport, pport = free_port(), free_port()
        started.append(broker.start_tansu(kport, root / "tansu.log"))
        started.append(database.start_postgres(root / "pg", pport, root / "pg.log", durable=True))
        bootstrap = f"127.0.0.1:{kport}"
        sink = SmtpSink(free_port(), parse=False).start()
        ns = "b" + uuid.uuid4().hex[:8]
        asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=bootstrap, topic_namespace=ns), ["lot-north"]))
        print(f"ptfc bench: {n} referrals, 2 cores; Tansu + embedded Postgres (durable) + aiosmtpd, all local")
        print("raw aiokafka baseline (3 hops, no database)...")
        base_rate, base_lat = asyncio.run(baseline(bootstrap, n, ns))
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "TOPIC_NAMESPACE": ns, "LOG_LEVEL": "WARNING",
               "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{pport}/postgres",
               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port)}
        procs = [supervisor.spawn(name, None, env, free_port(), str(root)) for name in CHAIN]
        if not supervisor.wait_ready(procs, 120, show=lambda *_: None):
            print(f"services did not start; logs in {root}")
            return 1
        watched = [(label, p.pid, False) for label, _, p in procs] + [
            ("tansu", started[0].pid, False), ("postgres", started[1].pid, True), ("bench+smtp", os.getpid(), False)]
        before = {label: cpu_seconds(pid, ch) for label, pid, ch in watched}
        load = f"paced at {rate:g}/s" if rate else "one burst"
        print(f"end to end, {load} (referral -> learning -> notifications -> SMTP)...")
        got, lat = asyncio.run(end_to_end(bootstrap, n, ns, sink, env["DATABASE_URL"], rate))
        cpu = {label: cpu_seconds(pid, ch) - before[label] for label, pid, ch in watched}
        ms = lambda xs, p: f"{pct(xs, p) * 1000:8.0f} ms"
        print(f"\n{'':28}{'per second':>12}{'p50':>12}{'p95':>12}{'p99':>12}")
        print(f"{'raw aiokafka, 3 hops':28}{base_rate:12.0f}{ms(base_lat, 50)}{ms(base_lat, 95)}{ms(base_lat, 99)}")
        print(f"{'referral -> email, e2e':28}{got:12.0f}{ms(lat, 50)}{ms(lat, 95)}{ms(lat, 99)}")
        if rate and len(lat) >= 20:  # a queue that grows means the chain does not keep up with the rate
            tenth = len(lat) // 10
            first, last = pct(lat[:tenth], 50), pct(lat[-tenth:], 50)
            print(f"paced: p50 of the first tenth {first * 1000:.0f} ms, of the last tenth {last * 1000:.0f} ms: "
                  + ("keeps up" if last <= 1.5 * first + 0.25 else "falls behind (latency grows)"))
        verdict = "met" if got >= 500 else "NOT met"
        print(f"ratio end to end / baseline: {got / base_rate:.2f}   goal of >= 500 referrals/s end to end: {verdict}")
        print("CPU seconds during the run: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()))
        print("peak memory (VmHWM): " + ", ".join(f"{label} {peak_mb(p.pid):.0f} MB" for label, _, p in procs))
        supervisor.stop_all(procs)  # the reporting figures below get the machine to themselves
        procs = []
        from ptfc.bench_reporting import main_part
        main_part(bootstrap, env["DATABASE_URL"])
        return 0
    finally:
        database.stop_everything(procs, sink, started)
        shutil.rmtree(root, ignore_errors=True)
