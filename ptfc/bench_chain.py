"""`make bench`, chain part: the three services as processes, referrals in, emails out.

End to end = a partner's referral event published -> email accepted by the SMTP server, through
referral -> learning -> notifications, each its own process with its own database. Each chain
gets a namespace of its own (topics, groups, databases), so that two configurations measured in
one run share the broker, the database server and the machine, and nothing else.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from aiokafka import AIOKafkaProducer

from ptfc import supervisor
from ptfc.kit.settings import Settings
from ptfc.kit.topic_admin import ensure_topics
from ptfc.stack.ports import free_port
from ptfc.stack.smtp_sink import SmtpSink

CHAIN = ["referral", "learning", "notifications"]
STAGES = [("referral", "SELECT count(*) FROM referrals"), ("learning", "SELECT count(*) FROM invitations"),
          ("queued", "SELECT count(*) FROM notifications"),
          ("sent", "SELECT count(*) FROM notifications WHERE status = 'sent'")]


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


@dataclass
class Chain:
    """The three services of one configuration (`env` overrides settings), on a fresh namespace."""
    bootstrap: str
    dburl: str
    sink: SmtpSink
    logs: str
    env: dict[str, str] = field(default_factory=dict)
    ns: str = field(default_factory=lambda: "b" + uuid.uuid4().hex[:8])
    procs: list = field(default_factory=list)

    def start(self) -> bool:
        asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=self.bootstrap, topic_namespace=self.ns),
                                  ["lot-north"]))
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap, "TOPIC_NAMESPACE": self.ns,
               "LOG_LEVEL": "WARNING", "DATABASE_URL": self.dburl, "SMTP_HOST": "127.0.0.1",
               "SMTP_PORT": str(self.sink.port), **self.env}
        self.procs = [supervisor.spawn(name, None, env, free_port(), self.logs) for name in CHAIN]
        return supervisor.wait_ready(self.procs, 120, show=lambda *_: None)

    def stop(self) -> None:
        supervisor.stop_all(self.procs)
        self.procs = []

    def cpu(self) -> dict[str, float]:
        return {label: cpu_seconds(p.pid) for label, _, p in self.procs}

    def idle_cpu(self, seconds: float = 5.0) -> dict[str, float]:
        """Share of a core each service spends with nothing to do (fetch polling)."""
        before = self.cpu()
        time.sleep(seconds)
        return {k: (v - before[k]) / seconds for k, v in self.cpu().items()}

    def run(self, n: int, rate: float = 0.0, progress: bool = True) -> tuple[float, list[float]]:
        return asyncio.run(end_to_end(self.bootstrap, n, self.ns, self.sink, self.dburl, rate, progress))


async def end_to_end(bootstrap: str, n: int, ns: str, sink: SmtpSink, dburl: str,
                     rate: float = 0.0, progress: bool = True) -> tuple[float, list[float]]:
    """Referrals per second and each one's latency (publish -> SMTP), in the order published."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    run = uuid.uuid4().hex[:6]
    topic = f"{ns}.ptfc.partner.referrals"
    try:
        base = len(sink.keeper.arrivals)
        for i in range(20):  # warm up every hop before timing
            case, value, _ = referral_event(i, run + "w")
            await producer.send(topic, value, key=case.encode())
        await producer.flush()
        while len(sink.keeper.arrivals) < base + 20:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # let the warm-up's tail (relays, commits) settle
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
        if progress:
            print(f"  published {n} referrals in {time.monotonic() - t0:.2f}s")
        deadline, shown = time.monotonic() + max(120, n / 20), time.monotonic()
        while len(sink.keeper.arrivals) - base < n and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            if progress and time.monotonic() - shown > 2:
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
