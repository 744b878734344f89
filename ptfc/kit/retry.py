"""What counts as transient, and the backoff used for it everywhere."""
from __future__ import annotations

import asyncio
import random

import asyncpg
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError

# Infrastructure failures: nothing is wrong with the message, so it is retried until they pass
# (a database outage must be ridden out, not turned into dead letters).
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError, asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.SerializationError, asyncpg.DeadlockDetectedError,
    KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError,
)


def backoff(attempt: int, base: float, cap: float) -> float:
    """Exponential with full jitter: no hot loop, no thundering herd after an outage."""
    return random.uniform(base, min(cap, base * (2 ** max(0, attempt - 1))))


async def poll(step, idle_seconds: float, name: str, log) -> None:
    """Run `step` forever: again at once while it finds work, after `idle_seconds` when it finds
    none, and with backoff (never a hot loop) while the database or broker is unreachable."""
    attempt = 0
    while True:
        try:
            done = await step()
            attempt = 0
        except TRANSIENT as exc:
            attempt += 1
            log.warning(f"{name}.retry", attempt=attempt, error=type(exc).__name__)
            await asyncio.sleep(backoff(attempt, 0.2, 10.0))
            continue
        if not done:
            await asyncio.sleep(idle_seconds)
