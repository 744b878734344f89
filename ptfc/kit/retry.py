"""What counts as transient, and the backoff used for it everywhere."""
from __future__ import annotations

import asyncio
import random
import time
from typing import Awaitable, Callable, TypeVar

import asyncpg
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError, RequestTimedOutError


T = TypeVar("T")

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


async def poll(step, idle_seconds: float, name: str, log, cap: float = 10.0) -> None:
    """Run `step` forever: again at once while it finds work, after `idle_seconds` when it finds
    none, and with backoff up to `cap` seconds (never a hot loop) while the database or broker is
    unreachable."""
    attempt = 0
    while True:
        try:
            done = await step()
            attempt = 0
        except TRANSIENT as exc:
            attempt += 1
            log.warning(f"{name}.retry", attempt=attempt, error=type(exc).__name__)
            await asyncio.sleep(backoff(attempt, 0.2, cap))
            continue
        except Exception as exc:
            # Load-bearing: an error nobody foresaw must not end the loop. A timer loop that died
            # here once left a ready service whose day-42 checks never fired (found by make chaos);
            # the outbox relay runs here too, for the same reason (outbox.Relay.run).
            attempt += 1
            from ptfc.kit.deadletter import error_detail  # not at the top: deadletter imports outbox, which imports this module
            log.error(f"{name}.failed", attempt=attempt, error=type(exc).__name__, detail=error_detail(exc, 200))
            await asyncio.sleep(backoff(attempt, 0.5, 30.0))
            continue
        if not done:
            await asyncio.sleep(idle_seconds)


async def until_available(step: Callable[[], Awaitable[T]], what: str, log, *, base: float = 0.2,
                          cap: float = 5.0, give_up_after: float | None = None,
                          transient: tuple[type[BaseException], ...] = TRANSIENT) -> T:
    """Run `step` until it gets past a transient failure: a service started before its database
    or broker waits for them rather than exiting. One warning per attempt, with the error's type
    and text (asyncpg and aiokafka name the address, never the password; the DSN is not logged).
    The cap stays low so a service is ready within seconds of its dependency coming up;
    `give_up_after` bounds the wait for one-shot jobs, which should fail rather than hang."""
    started, attempt = time.monotonic(), 0
    while True:
        try:
            return await step()
        except transient as exc:
            attempt += 1
            delay = backoff(attempt, base, cap)
            if give_up_after is not None:
                left = give_up_after - (time.monotonic() - started)
                if left <= 0:
                    raise
                delay = min(delay, left)
            log.warning(f"{what}.unavailable", attempt=attempt, error=type(exc).__name__,
                        detail=str(exc)[:200], retry_in=round(delay, 2))
            await asyncio.sleep(delay)
