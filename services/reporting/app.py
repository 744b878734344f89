"""Reporting service wiring: the KPI read model, fed from every service's facts.

Generations: `ptfc report rebuild` empties the model and bumps its generation number. The
service reads under a consumer group named for the generation (`reporting`, then `reporting.g1`,
...), so a new generation reads every topic from the beginning (auto_offset_reset=earliest). A
running service notices the new number within seconds and switches; one started later reads the
number at start-up.

Replays: a rebuild reads every topic by the ten thousand, so the service is set up for that:
bigger batches than the other services' (fewer transactions, commits and round trips), and a
garbage collector that runs less often (see `_tune_for_replays`).
"""
import gc
from pathlib import Path

from ptfc.kit.logging import get_logger
from ptfc.kit.retry import poll
from ptfc.kit.service import Service, ServiceSpec
from services.reporting import api, store
from services.reporting.handlers import build_router

log = get_logger()


def _suffix(generation: int) -> str:
    """The consumer group's suffix, which is all the service keeps of the generation it reads."""
    return f".g{generation}" if generation else ""


# Records per batch unless CONSUMER_BATCH_SIZE is set. Every handler is set-based and every route
# commutative, so a batch costs the same few statements whatever its size: a rebuild of 28,743
# facts took 58 transactions (and offset commits) at 500 a batch, 6 at 5,000, for the same CPU and
# less waiting (11,100-18,800 against 12,100-24,600 events/s, alternate runs on a shared machine).
# At rest batches stay as small as what arrives.
REPLAY_BATCH_SIZE = 5000


def _tune_for_replays(svc: Service) -> None:
    if "consumer_batch_size" not in svc.settings.model_fields_set:
        svc.settings = svc.settings.model_copy(update={"consumer_batch_size": REPLAY_BATCH_SIZE})
    # A batch's decoded events live until it is applied, so at the default thresholds (700, 10, 10)
    # a rebuild of 28,743 facts ran the collector some 600 times, four of them full passes over
    # every module's objects (about 0.1 s each): a quarter of the service's CPU. 20,000 gives about
    # 20 young and no full collection per such rebuild; garbage cycles simply wait a little longer.
    # (Not gc.freeze(): in a test process it would hide objects from gc.get_referrers.)
    gc.set_threshold(20_000, 10, 100)


async def _on_start(svc: Service) -> None:
    _tune_for_replays(svc)
    svc.group_suffix = _suffix(await store.generation(svc.pool))


async def _follow_rebuilds(svc: Service) -> None:
    async def step() -> bool:
        if not svc.started:
            return False
        generation = await store.generation(svc.pool)
        reading = svc.group_suffix
        if _suffix(generation) == reading:
            return False
        # Events applied since the rebuild emptied the model are in its inbox too: the new group's
        # replay skips them as repeats, and their effects are already there.
        await svc.broker.stop()
        svc.group_suffix = _suffix(generation)  # the new broker's group
        svc.broker = svc.make_broker()
        try:
            await svc.broker.start()
        except BaseException:
            svc.group_suffix = reading  # not reading the new one yet: tried again next step
            raise
        log.info("reporting.rebuilding", generation=generation, group=svc.group_id)
        return False
    await poll(step, 2.0, "reporting.rebuild", log)


SPEC = ServiceSpec(name="reporting", package_dir=Path(__file__).parent, build_router=build_router,
                   http_routes=api.add_routes, on_start=_on_start, background=[_follow_rebuilds])
