"""Liveness, readiness and metrics: the routes every service answers, and the app they are in."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from pydantic import BaseModel

from ptfc.kit.api import make_app
from ptfc.kit.metrics import Metrics

__all__ = ["Health", "Metrics", "health_router", "service_app"]  # Metrics: where Service imports it


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


class Live(BaseModel):
    status: str
    service: str


class Ready(BaseModel):
    ready: bool
    database: bool
    broker: bool
    consumer: bool


def health_router(svc: Any) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health/live", response_model=Live)
    async def live() -> Any:
        """The process is up and serving."""
        return Live(status="live", service=svc.name)

    @router.get("/health/ready", response_model=Ready,
                responses={503: {"model": Ready, "description": "Database or broker unreachable"}})
    async def ready() -> Any:
        """Started, and its database and broker answer now (checked at most once a second)."""
        checks = await svc.health.readiness(svc)
        answer = Ready(ready=all(checks.values()) and svc.started, **checks)
        return answer if answer.ready else JSONResponse(answer.model_dump(), 503)

    @router.get("/metrics", response_class=PlainTextResponse,
                responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                                 "description": "Prometheus text format 0.0.4"}})
    async def metrics() -> Any:
        """Counters in Prometheus' text format."""
        return PlainTextResponse(svc.metrics.render(), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    return router


def _version() -> str:
    try:
        return metadata.version("ptfc")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def service_app(svc: Any) -> FastAPI:
    """The kit's routes once for every service, then the service's own (`ServiceSpec.http_routes`)."""
    app = make_app(f"PTFC {svc.instance}", _version(),
                   f"HTTP interface of `{svc.instance}`: health, readiness and Prometheus metrics, "
                   "as every service has them, and the service's own routes. Errors are JSON "
                   '`{"error": "..."}`.')
    app.include_router(health_router(svc))
    if svc.spec.http_routes:
        # HTTP is up before the database (readiness must answer while start-up waits): until the
        # service has started, its own routes answer 503 rather than fail on a missing pool.
        app.include_router(svc.spec.http_routes(svc), dependencies=[Depends(_started(svc))])
    return app


def _started(svc: Any):
    async def check() -> None:
        if not svc.started:
            raise HTTPException(503, "the service is starting", headers={"Retry-After": "5"})
    return check
