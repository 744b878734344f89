"""Which faults, when: a seeded random schedule (pure; the same seed gives the same run).

Faults fall at their moments and may overlap (see faults.run); a target is never hit again
before it recovered.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

KILL, POSTGRES, BROKER = "kill", "postgres-stop", "broker-outage"


@dataclass(frozen=True)
class Fault:
    at: float  # seconds after the journeys start
    kind: str  # KILL, POSTGRES or BROKER
    target: str  # a service instance, "postgres" or "broker"
    down: float  # seconds it stays down (a killed process: until its supervisor starts it again)


def schedule(instances: list[str], window: float, seed: int, kills_each: int = 2,
             postgres_seconds: float = 20.0, broker_seconds: float = 15.0,
             restart_after: tuple[float, float] = (0.5, 3.0)) -> list[Fault]:
    """Every instance SIGKILLed `kills_each` times, PostgreSQL stopped once, the broker cut off
    once (0 seconds: left out), at random moments within `window` seconds, in random order."""
    rng = random.Random(seed)
    kinds = [(KILL, name) for name in instances for _ in range(kills_each)]
    if postgres_seconds > 0:
        kinds.append((POSTGRES, "postgres"))
    if broker_seconds > 0:
        kinds.append((BROKER, "broker"))
    rng.shuffle(kinds)
    moments = sorted(rng.uniform(0, window) for _ in kinds)
    down = {POSTGRES: postgres_seconds, BROKER: broker_seconds}
    return [Fault(round(at, 2), kind, target, down.get(kind) or round(rng.uniform(*restart_after), 2))
            for at, (kind, target) in zip(moments, kinds)]


def describe(faults: list[Fault]) -> str:
    kills = sum(1 for f in faults if f.kind == KILL)
    others = [f"{f.kind} {f.down:g} s" for f in faults if f.kind != KILL]
    return f"{kills} kills of {len({f.target for f in faults if f.kind == KILL})} instances" + (
        ", " + ", ".join(others) if others else "")
