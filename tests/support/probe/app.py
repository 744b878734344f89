"""Probe service: records one row per account-activated event and emits nothing else.

`fail_after_write` (a dict person_id -> failures left) makes the handler raise *after* its
write, to show the savepoint leaves no half-state. A person_id starting with 'poison' always fails;
one starting with 'wait' waits (NotYet) until a module-completed event made it known.
Survey-submitted events go to a `@batched` handler, which notes the size of every run in RUNS.
"""
from __future__ import annotations

from pathlib import Path

from faststream.kafka import KafkaRouter

from contracts import learning as L
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.handling import Context, Route, batched
from ptfc.kit.deadletter import NotYet
from ptfc.kit.service import ServiceSpec
from ptfc.kit.subscribe import subscribe

FAILURES: dict[str, int] = {}
RUNS: list[int] = []


async def on_module_completed(ctx: Context, event: CloudEvent[L.ModuleCompleted]) -> None:
    """The 'fact from elsewhere' a waiting event needs."""
    await ctx.conn.execute("INSERT INTO known(person_id) VALUES ($1) ON CONFLICT DO NOTHING", event.data.person_id)


async def on_account_activated(ctx: Context, event: CloudEvent[L.AccountActivated]) -> None:
    person = event.data.person_id
    if person.startswith("wait") and not await ctx.conn.fetchval("SELECT true FROM known WHERE person_id = $1", person):
        raise NotYet("this person is not known yet")
    await ctx.conn.execute("INSERT INTO effects(person_id, event_id) VALUES ($1, $2)", person, event.id)
    if person.startswith("poison"):
        raise RuntimeError("this message always fails")
    if FAILURES.get(person, 0) > 0:
        FAILURES[person] -= 1
        raise RuntimeError("failing after the write")
    await ctx.emit(T.LEARNING_EVENTS, L.ACCOUNT_ACTIVATED, event.data)


@batched
async def on_survey_submitted(ctxs: list[Context]) -> None:
    """One statement for the run; a poison person_id anywhere in it fails the whole run."""
    RUNS.append(len(ctxs))
    await ctxs[0].conn.execute("INSERT INTO effects(person_id, event_id) SELECT * FROM unnest($1::text[], $2::text[])",
                               [c.event.data.person_id for c in ctxs], [c.event.id for c in ctxs])
    if any(c.event.data.person_id.startswith("poison") for c in ctxs):
        raise RuntimeError("this message always fails")
    for c in ctxs:
        await c.emit(T.LEARNING_EVENTS, L.SURVEY_SUBMITTED, c.event.data)


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {T.PARTNER_LEARNING: Route({L.ACCOUNT_ACTIVATED: on_account_activated,
                                                       L.MODULE_COMPLETED: on_module_completed,
                                                       L.SURVEY_SUBMITTED: on_survey_submitted}, strict=True)},
              "probe")
    return router


SPEC = ServiceSpec(name="probe", package_dir=Path(__file__).parent, build_router=build_router)
