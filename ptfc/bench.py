"""`make bench`: latency at light load and throughput of a burst, end to end, beside a raw baseline.

On an embedded stack started here (Tansu, durable Postgres as `make run` uses, an SMTP sink), the
chain referral -> learning -> notifications -> SMTP (`bench_chain.py`) runs in two configurations
side by side, on their own namespaces: the defaults, and fetches fixed at 64 KiB / 200 ms as they
were before fetch sizes followed the load. Each is measured idle (share of a core), paced at 20
referrals/s (latency) and in bursts (referrals/s), the bursts taking turns so that the machine's
other load falls on both alike. Baseline = the same number of messages through a three-hop
aiokafka consume-and-produce chain with no database, same broker. `--rate R` instead runs the
defaults alone, paced at R.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ptfc.bench_chain import Chain, cpu_seconds
from ptfc.stack import broker, database
from ptfc.stack.ports import free_port
from ptfc.stack.smtp_sink import SmtpSink

PACED_RATE, PACED_N = 20.0, 600  # light load: 30 s, enough for a p99 over 600 referrals
# Before fetches followed the load: every fetch waited for 64 KiB or 200 ms.
BEFORE = {"KAFKA_FETCH_ADAPTIVE": "false", "KAFKA_FETCH_MIN_BYTES": "65536", "KAFKA_FETCH_MAX_WAIT_MS": "200"}
CONFIGS = [("defaults", {}), ("before: fixed 64 KiB / 200 ms", BEFORE)]
BURST_TURNS = 2


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ms(xs: list[float], p: float) -> str:
    return f"{pct(xs, p) * 1000:7.0f} ms"


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


def measure(chains: dict[str, Chain], n: int, rounds: int, watched: list) -> dict[str, dict]:
    """Every chain idle, then paced at 20/s, then `rounds` bursts of n each, taking turns: the
    machine's other load moves a burst's rate, and turns spread it over both configurations."""
    out: dict[str, dict] = {name: {"idle": chain.idle_cpu(), "bursts": []} for name, chain in chains.items()}
    for name, chain in chains.items():
        print(f"  {name}: paced at {PACED_RATE:g}/s ({PACED_N} referrals)...")
        out[name]["paced"] = chain.run(PACED_N, PACED_RATE, progress=False)[1]
    for turn in range(rounds):
        for name, chain in chains.items():
            print(f"  {name}: burst {turn + 1} of {rounds} ({n} referrals)...")
            procs = [(label, p.pid, False) for label, _, p in chain.procs] + watched
            before = {label: cpu_seconds(pid, ch) for label, pid, ch in procs}
            out[name]["bursts"].append(chain.run(n, progress=False))
            out[name]["cpu"] = {label: cpu_seconds(pid, ch) - before[label] for label, pid, ch in procs}
    for name, chain in chains.items():
        out[name]["memory"] = {label: peak_mb(p.pid) for label, _, p in chain.procs}
    return out


def report(results: dict[str, dict], base_rate: float, base_lat: list[float]) -> None:
    print(f"\n{'':30}{'idle CPU':>9} | {'20/s: p50':>10}{'p95':>10}{'p99':>10} | "
          f"{'burst/s (each)':>18}{'p50':>10}{'p99':>10}")
    for name, r in results.items():
        rate, lat = max(r["bursts"], key=lambda b: b[0])
        each = "/".join(f"{b[0]:.0f}" for b in r["bursts"])
        print(f"{name:30}{max(r['idle'].values()):9.1%} | {ms(r['paced'], 50)}{ms(r['paced'], 95)}"
              f"{ms(r['paced'], 99)} | {rate:6.0f} ({each:>9}){ms(lat, 50)}{ms(lat, 99)}")
    print(f"{'raw aiokafka, 3 hops':30}{'':>9} | {'':>30} | {base_rate:6.0f}{'':12}{ms(base_lat, 50)}{ms(base_lat, 99)}")
    print("idle CPU: the busiest service's share of one core with nothing to do; burst: the best of its turns")
    (name, now), (old_name, old) = list(results.items())[:2]
    p99, burst, old_burst = pct(now["paced"], 99), max(b[0] for b in now["bursts"]), max(b[0] for b in old["bursts"])
    print(f"goal p99 < 250 ms paced at {PACED_RATE:g}/s: {'met' if p99 < 0.25 else 'NOT met'} ({p99 * 1000:.0f} ms); "
          f"goal burst >= {old_name} in this run: {'met' if burst >= old_burst else 'NOT met'} "
          f"({burst:.0f}/s against {old_burst:.0f}/s)")
    print(f"ratio burst / baseline: {burst / base_rate:.2f}   goal of >= 500 referrals/s end to end: "
          f"{'met' if burst >= 500 else 'NOT met'}")
    print(f"CPU seconds in the last burst ({name}): " + ", ".join(f"{k} {v:.1f}" for k, v in now["cpu"].items()))
    print("peak memory (VmHWM): " + ", ".join(f"{k} {v:.0f} MB" for k, v in now["memory"].items()))


def paced_only(chain: Chain, n: int, rate: float) -> None:
    print(f"end to end, paced at {rate:g}/s (referral -> learning -> notifications -> SMTP)...")
    got, lat = chain.run(n, rate)
    print(f"\n{'referral -> email, e2e':28}{got:8.0f}/s  p50 {ms(lat, 50)}  p95 {ms(lat, 95)}  p99 {ms(lat, 99)}")
    if len(lat) >= 20:  # a queue that grows means the chain does not keep up with the rate
        tenth = len(lat) // 10
        first, last = pct(lat[:tenth], 50), pct(lat[-tenth:], 50)
        print(f"paced: p50 of the first tenth {first * 1000:.0f} ms, of the last tenth {last * 1000:.0f} ms: "
              + ("keeps up" if last <= 1.5 * first + 0.25 else "falls behind (latency grows)"))


def main(n: int, rate: float = 0.0, reporting: bool = True) -> int:
    root = Path(tempfile.mkdtemp(prefix="ptfc-bench-"))
    started, chain, chains, sink = [], None, {}, None
    try:
        kport, pport = free_port(), free_port()
        started.append(broker.start_tansu(kport, root / "tansu.log"))
        started.append(database.start_postgres(root / "pg", pport, root / "pg.log", durable=True))
        bootstrap, dburl = f"127.0.0.1:{kport}", f"postgresql://postgres@127.0.0.1:{pport}/postgres"
        sink = SmtpSink(free_port(), parse=False).start()
        print(f"ptfc bench: {n} referrals, {os.cpu_count()} cores; Tansu + embedded Postgres (durable) + "
              "aiosmtpd, all local. Other load on the machine moves these figures: run it more than once.")
        if rate:
            chain = Chain(bootstrap, dburl, sink, str(root))
            if not chain.start():
                print(f"services did not start; logs in {root}")
                return 1
            paced_only(chain, n, rate)
            return 0
        print("raw aiokafka baseline (3 hops, no database)...")
        base_rate, base_lat = asyncio.run(baseline(bootstrap, n, "b" + uuid.uuid4().hex[:8]))
        print("both configurations' chains (referral -> learning -> notifications -> SMTP), side by side...")
        chains = {name: Chain(bootstrap, dburl, sink, str(root), env) for name, env in CONFIGS}
        if not all([chain.start() for chain in chains.values()]):  # noqa: C419 (start every one)
            print(f"services did not start; logs in {root}")
            return 1
        watched = [("tansu", started[0].pid, False), ("postgres", started[1].pid, True),
                   ("bench+smtp", os.getpid(), False)]
        results = measure(chains, n, BURST_TURNS, watched)
        for chain in chains.values():
            chain.stop()  # the reporting figures get the machine to themselves
        chains = {}
        report(results, base_rate, base_lat)
        if reporting:
            from ptfc.bench_reporting import main_part
            main_part(bootstrap, dburl)
        return 0
    finally:
        procs = [p for c in [*chains.values(), *([chain] if chain else [])] for p in c.procs]
        database.stop_everything(procs, sink, started)
        shutil.rmtree(root, ignore_errors=True)
