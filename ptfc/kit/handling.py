"""What a handler is given, and how the consumer calls it (one event, or a run of them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable

import asyncpg

from contracts import notification as N
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.outbox import Emitter


@dataclass
class Emitting:
    """What every handler gets, for an event or a timer: its transaction's connection, a way to
    emit (rows written in that same transaction), and the service."""

    conn: asyncpg.Connection
    emitter: Emitter
    service: Any

    async def emit(self, topic: str, type: str, data: Any, **kw: Any) -> str:
        return await self.emitter.emit(topic, type, data, **kw)

    async def request_email(self, template: str, contact_id: str, context: dict[str, Any],
                            subject: str | None = None, attachments: Iterable[dict[str, str]] = ()) -> str:
        """One email for the notifications service to send: every service asks the same way, on
        the one topic it reads. `subject` None: the emitter's own (the event's or the timer's)."""
        return await self.emit(T.NOTIFICATIONS_REQUESTS, N.REQUESTED, N.NotificationRequested(
            template=template, contact_id=contact_id, context=context, attachments=list(attachments)),
            subject=subject)


@dataclass
class Context(Emitting):
    """An event handler's: the above, and the event."""

    event: CloudEvent


Handler = Callable[[Context, CloudEvent], Awaitable[None]]
BatchHandler = Callable[[list[Context]], Awaitable[None]]


def batched(handler: BatchHandler) -> BatchHandler:
    """Marks a handler that takes a run of contexts (one per event, in order) and decides them
    together. It must give the same result as handling them one by one; where it cannot (say,
    the same row twice in one run), raising is enough: the careful replay hands it one at a time."""
    handler.batched = True  # type: ignore[attr-defined]
    return handler


def is_batched(handler: Any) -> bool:
    return getattr(handler, "batched", False)


async def call(handler: Any, ctx: Context) -> None:
    await (handler([ctx]) if is_batched(handler) else handler(ctx, ctx.event))


@dataclass
class Route:
    """Handlers for one topic. `strict`: a type with no handler is a dead letter (partner topics);
    otherwise it is someone else's fact and is skipped (internal topics). `commutative`: applying
    this topic's events in any order gives the same state (a read model of independent, idempotent
    facts), so a batch may hand each handler all its events at once instead of consecutive runs."""

    handlers: dict[str, Handler]
    strict: bool = False
    commutative: bool = False
    accepts: frozenset[str] = field(default_factory=frozenset)
