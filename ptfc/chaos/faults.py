"""Applies the plan's faults to the running stack at their moments, and times each recovery."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from ptfc.chaos.plan import BROKER, KILL, POSTGRES, Fault
from ptfc.chaos.stack import Stack


@dataclass(frozen=True)
class Applied:
    fault: Fault
    started: float  # time.monotonic(): the kill, the stop, the cut
    ended: float  # the process started again, PostgreSQL up again, the broker reachable again
    recovered: float  # every affected service answers ready again
    unready: int | None = None  # an outage: services answering 503 (not ready) half-way through it

    @property
    def recovery(self) -> float:
        return self.recovered - self.ended


async def apply(stack: Stack, fault: Fault) -> Applied:
    started, probe = time.monotonic(), None
    if fault.kind != KILL:  # readiness must say so while a dependency is away (checked mid-way)
        probe = asyncio.create_task(stack.unready_after(max(1.5, fault.down / 2)))
    if fault.kind == KILL:
        await stack.kill(fault.target, fault.down)
        affected = [fault.target]
    elif fault.kind == POSTGRES:
        await stack.stop_postgres(fault.down)
        affected = None  # every service
    elif fault.kind == BROKER:
        await stack.cut_broker(fault.down)
        affected = None
    else:
        raise ValueError(fault.kind)
    ended = time.monotonic()
    await stack.wait_ready(affected)
    return Applied(fault, started, ended, time.monotonic(), len(await probe) if probe else None)


class Turns:
    """Kills may overlap one another (two services down at once), but an outage (the database,
    the broker) waits until no kill is under way, and kills wait for it: each outage's time to
    recover is then its own. A target is not hit again before it recovered."""

    def __init__(self) -> None:
        self.kills, self.outage = 0, False
        self.changed = asyncio.Condition()
        self.targets: dict[str, asyncio.Lock] = {}

    async def take(self, fault: Fault) -> None:
        await self.targets.setdefault(fault.target, asyncio.Lock()).acquire()
        async with self.changed:
            if fault.kind == KILL:
                await self.changed.wait_for(lambda: not self.outage)
                self.kills += 1
            else:
                await self.changed.wait_for(lambda: not self.outage and self.kills == 0)
                self.outage = True

    async def give(self, fault: Fault) -> None:
        async with self.changed:
            if fault.kind == KILL:
                self.kills -= 1
            else:
                self.outage = False
            self.changed.notify_all()
        self.targets[fault.target].release()


async def run(stack: Stack, faults: list[Fault], t0: float, say=print) -> list[Applied]:
    """Each fault at its moment, or when its turn comes (Turns)."""
    turns = Turns()

    async def one(fault: Fault) -> Applied:
        await asyncio.sleep(max(0.0, t0 + fault.at - time.monotonic()))
        await turns.take(fault)
        try:
            a = await apply(stack, fault)
        finally:
            await turns.give(fault)
        say(f"  {a.started - t0:6.1f}s  {fault.kind:<14} {fault.target:<24} down {a.ended - a.started:5.1f} s, "
            f"ready {a.recovery:5.1f} s later")
        return a

    return list(await asyncio.gather(*(one(f) for f in faults)))
