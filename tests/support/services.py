"""Run a service in-process against the real broker and database, on its own database."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from ptfc.kit.service import Service, ServiceSpec
from ptfc.kit.settings import Settings


def for_service(settings: Settings, name: str, **overrides: Any) -> Settings:
    return settings.model_copy(update={"database_name": f"{settings.topic_namespace}_{name}".replace("-", "_"),
                                       **overrides})


@asynccontextmanager
async def running(spec: ServiceSpec, settings: Settings, clock: Any = None, **overrides: Any):
    name = spec.name + (f"_{overrides['lot']}" if "lot" in overrides else "")
    svc = Service(spec, for_service(settings, name, **overrides), clock=clock)
    await svc.start()
    try:
        yield svc
    finally:
        await svc.stop()
