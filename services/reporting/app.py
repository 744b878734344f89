"""Reporting service wiring: the KPI read model, fed from every service's facts.

Generations: `ptfc report rebuild` empties the model and bumps its generation number. The
service reads under a consumer group named for the generation (`reporting`, then `reporting.g1`,
...), so a new generation reads every topic from the beginning (auto_offset_reset=earliest). A
running service notices the new number within seconds and switches; one started later reads the
number at start-up.
"""
from pathlib import Path

from ptfc.kit.logging import get_logger
from ptfc.kit.retry import poll
from ptfc.kit.service import Service, ServiceSpec
from services.reporting import api, store
from services.reporting.handlers import build_router

log = get_logger()


def _use(svc: Service, generation: int) -> None:
    svc.state["group_suffix"] = f".g{generation}" if generation else ""


async def _on_start(svc: Service) -> None:
    svc.state["generation"] = await store.generation(svc.pool)
    _use(svc, svc.state["generation"])


async def _follow_rebuilds(svc: Service) -> None:
    async def step() -> bool:
        if not svc.started:
            return False
        generation = await store.generation(svc.pool)
        if generation == svc.state["generation"]:
            return False
        # Events applied since the rebuild emptied the model are in its inbox too: the new group's
        # replay skips them as repeats, and their effects are already there.
        await svc.broker.stop()
        _use(svc, generation)
        svc.broker = svc.make_broker()
        await svc.broker.start()
        svc.state["generation"] = generation  # only now: a failed start is tried again next step
        log.info("reporting.rebuilding", generation=generation, group=svc.group_id)
        return False
    await poll(step, 2.0, "reporting.rebuild", log)


SPEC = ServiceSpec(name="reporting", package_dir=Path(__file__).parent, build_router=build_router,
                   http_routes=api.add_routes, on_start=_on_start, background=[_follow_rebuilds])
