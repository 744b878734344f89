"""Run a service in-process against the real broker and database, on its own database."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from ptfc.kit.service import Service, ServiceSpec
from ptfc.kit.settings import Settings


def for_service(settings: Settings, name: str, **overrides: Any) -> Settings:
    return settings.model_copy(update={"database_name": f"{settings.topic_namespace}_{name}".replace("-", "_"),
                                       **overrides})


def split(spec: ServiceSpec, overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(plumbing, own): each override goes to the model that declares it, the kit's Settings or the
    service's own settings (its programme numbers, SMTP, tokens). A name neither declares is an
    error, so a misspelt or misplaced override fails the test instead of changing nothing."""
    own_fields = spec.settings.model_fields if spec.settings else {}
    unknown = sorted(set(overrides) - set(Settings.model_fields) - set(own_fields))
    if unknown:
        raise TypeError(f"{spec.name} has no setting {', '.join(unknown)}")
    return ({k: v for k, v in overrides.items() if k in Settings.model_fields},
            {k: v for k, v in overrides.items() if k in own_fields})


def service(spec: ServiceSpec, settings: Settings, clock: Any = None, **overrides: Any) -> Service:
    """A service on its own database, not started: e.g. `service(WORKSHOPS, settings,
    lot="lot-north", follow_up_due_days=7)`, each override routed by `split`."""
    plumbing, own = split(spec, overrides)
    name = spec.name + (f"_{plumbing['lot']}" if "lot" in plumbing else "")
    config = spec.settings(**own) if spec.settings else None
    return Service(spec, for_service(settings, name, **plumbing), clock=clock, config=config)


@asynccontextmanager
async def running(spec: ServiceSpec, settings: Settings, clock: Any = None, **overrides: Any):
    svc = service(spec, settings, clock, **overrides)
    await svc.start()
    try:
        yield svc
    finally:
        await svc.stop()
