"""One scenario, two tiers: a scenario is an async function taking a driver, written once.

`Direct` (tests/support/tier_direct.py) runs the service on PostgreSQL alone: its database
(migrations, pool), the kit's own consumer, timer and parking code, and its HTTP routes if asked,
but no broker and no relay. A record goes through `Consumer.handle_batch` as a real batch does
(decode, inbox, handler, outbox in one transaction), due timers fire through `TimerLoop.fire_due`
on the scenario's clock, and what the service emitted is read from its outbox table. `Broker`
(tests/support/tier_broker.py) is the real service on the broker: records published, emitted
events read back from the topics.

On both, each record sent is applied before the next is sent (Kafka orders only one partition's
records; a scenario's facts come on several topics), and whatever a scenario reads (`emitted`,
`events`, `emails`, `dead_letters`) is read once everything it sent has been applied or refused
and every timer due by its clock has fired: an absent event was never emitted, not merely late.
An event still waiting for a fact from another topic (parked) by then has waited
PARK_MAX_SECONDS in vain: it is dead-lettered, as it would be.
"""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, AsyncIterator

import pytest

from contracts import notification as N
from contracts import topics as T
from ptfc.kit.clock import ManualClock
from ptfc.kit.service import ServiceSpec

# Every scenario runs on the direct tier; BOTH also on the broker (a representative few per
# service: each start there waits for a consumer group). `-m "not broker"` leaves those out.
DIRECT = pytest.mark.parametrize("tier", ["direct"], indirect=True)
BOTH = pytest.mark.parametrize("tier", ["direct", pytest.param("broker", marks=pytest.mark.broker)], indirect=True)


@dataclass(frozen=True)
class Subject:
    """What a module's scenarios run: the service, its clock's start and its settings overrides.
    `http`: its routes are served on the direct tier too (the broker tier runs the whole service)."""

    spec: ServiceSpec
    at: datetime
    overrides: dict[str, Any] = field(default_factory=dict)
    http: bool = False


class Driver:
    """The interface a scenario sees; each tier supplies the methods that raise here."""

    svc: Any
    clock: ManualClock

    async def send(self, topic: str, env: dict, *, key: str | None = None, partition: int | None = None) -> dict:
        """One record, a batch of its own on the direct tier. Keyed by the envelope's subject unless
        `key` says otherwise: on the broker only records of one partition keep their order."""
        raise NotImplementedError

    async def send_together(self, topic: str, envs: list[dict], key: str | None = None) -> None:
        """Records the service should get in one batch (as one produce request would bring them)."""
        raise NotImplementedError

    async def at(self, when: datetime) -> None:
        """Moves the clock: every timer due by then fires (read anything to see what it emitted)."""
        raise NotImplementedError

    async def restart(self) -> None:
        """Stops the service and starts it again on the same database."""
        raise NotImplementedError

    async def _records(self, topic: str) -> list[tuple[str | None, bytes, dict[str, str]]]:
        raise NotImplementedError

    async def _no_timer_failed(self) -> None:
        """A timer handler that raised is logged and tried again, never emitted: without this, a
        crash would read as "nothing was emitted", and every scenario of an absence would pass."""
        failed = await self.svc.pool.fetch("SELECT kind, error FROM timers WHERE error IS NOT NULL")
        assert not failed, f"timer handlers failed: {[(r['kind'], r['error']) for r in failed]}"

    async def emitted(self, topic: str) -> list[tuple[str | None, dict | None, dict[str, str]]]:
        """(key, event or None for a dead letter, headers) of what this service put on `topic`, in
        the order it decided them; on the broker in each partition's order (one key's keep theirs)."""
        out = []
        for key, value, headers in await self._records(topic):
            event = json.loads(value) if value else None
            if (event or {}).get("source") == self.svc.source or headers.get("ptfc-instance") == self.svc.instance:
                out.append((key, event, headers))
        return out

    async def events(self, topic: str, type: str | None = None, person: str | None = None, **match) -> list[dict]:
        """This service's events on `topic`, of `type`, about `person`, with data `match`ing."""
        return [e for _, e, _ in await self.emitted(topic) if e and (type is None or e["type"] == type)
                and (person is None or e["data"].get("person_id") == person)
                and all(e["data"].get(k) == v for k, v in match.items())]

    async def emails(self, template: str | None = None, contact: str | None = None) -> list[dict]:
        """The data of the emails it asked for (template, contact_id, context, attachments)."""
        return [e["data"] for e in await self.events(T.NOTIFICATIONS_REQUESTS, N.REQUESTED)
                if (template is None or e["data"]["template"] == template)
                and (contact is None or e["data"]["contact_id"] == contact)]

    async def dead_letters(self) -> list[str]:
        """The reasons of its dead letters, in order."""
        return [h["ptfc-reason"] for _, _, h in await self.emitted(T.DEADLETTER)]


@asynccontextmanager
async def open_driver(kind: str, subject: Subject, infra: Any, ns: str) -> AsyncIterator[Driver]:
    """The `tier` fixture's driver: `ns` is the test's own namespace (its topics, its databases)."""
    from tests.support.tier_broker import Broker
    from tests.support.tier_direct import Direct, direct_settings
    if kind == "direct":
        driver: Any = await Direct(subject, direct_settings(infra.database_url, ns)).start()
    else:
        driver = await Broker(subject, infra, ns).start()
    try:
        yield driver
    finally:
        await driver.stop()
