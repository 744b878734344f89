"""Liveness, readiness and Prometheus-style counters."""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ptfc.kit.http import HttpServer, Reply, Request


class Metrics:
    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()

    def inc(self, name: str, n: int = 1) -> None:
        self.counters[name] += n

    def render(self, service: str) -> bytes:
        lines = [f'ptfc_{k}{{service="{service}"}} {v}' for k, v in sorted(self.counters.items())]
        return ("\n".join(lines) + "\n").encode()


@dataclass
class Health:
    consumer_ok: bool = True
    checked_at: float = 0.0
    last: dict[str, bool] = field(default_factory=dict)

    async def readiness(self, svc: Any) -> dict[str, bool]:
        """Database and broker reachable now (cached for a second so probes stay cheap)."""
        if time.monotonic() - self.checked_at < 1.0 and self.last:
            return self.last
        db = broker = False
        try:
            async with asyncio.timeout(2):
                db = await svc.pool.fetchval("SELECT true")
        except Exception:
            db = False
        try:
            async with asyncio.timeout(2):
                await svc.producer.client.fetch_all_metadata()
                broker = True
        except Exception:
            broker = False
        self.last = {"database": bool(db), "broker": broker, "consumer": self.consumer_ok}
        self.checked_at = time.monotonic()
        return self.last


def add_health_routes(http: HttpServer, svc: Any) -> None:
    async def live(_: Request) -> Reply:
        return Reply.json({"status": "live", "service": svc.name})

    async def ready(_: Request) -> Reply:
        checks = await svc.health.readiness(svc)
        ok = all(checks.values()) and svc.started
        return Reply.json({"ready": ok, **checks}, 200 if ok else 503)

    async def metrics(_: Request) -> Reply:
        return Reply(200, svc.metrics.render(svc.name), "text/plain; version=0.0.4")

    http.add("GET", "/health/live", live)
    http.add("GET", "/health/ready", ready)
    http.add("GET", "/metrics", metrics)
