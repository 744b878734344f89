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
