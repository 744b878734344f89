"""The direct tier (tests/support/tiers.py): the service on PostgreSQL alone, fed through the
kit's own consumer; what it emitted is read from its outbox table."""
from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime

from aiokafka.structs import ConsumerRecord

from ptfc.kit.clock import ManualClock
from ptfc.kit.health import service_app
from ptfc.kit.parking import Parking
from ptfc.kit.settings import Settings
from ptfc.kit.timers import TimerLoop
from tests.support.services import service
from tests.support.tiers import Driver, Subject


def direct_settings(database_url: str, ns: str) -> Settings:
    """No broker: a client that reached for one would fail at once (nothing listens on port 1)."""
    return Settings(kafka_bootstrap_servers="127.0.0.1:1", database_url=database_url, topic_namespace=ns,
                    retry_base_seconds=0.05, retry_max_seconds=1.0, log_level="WARNING")


class Direct(Driver):
    def __init__(self, subject: Subject, settings: Settings) -> None:
        self.subject, self.settings, self.clock = subject, settings, ManualClock(subject.at)
        self.offsets: Counter = Counter()  # per (topic, partition): dead letters are kept by offset

    async def start(self) -> "Direct":
        """Service.start's steps but the broker's (Service.open_storage): database, on_start, the router (which builds the
        kit's Consumer over every route the service reads; never connected), and HTTP if the
        subject asks (its stop takes uvicorn's 0.2 s)."""
        self.svc = svc = service(self.subject.spec, self.settings, self.clock, **self.subject.overrides)
        await svc.open_storage()
        svc.make_broker()
        if self.subject.http:
            svc.http_port = await svc.http.start(service_app(svc), svc.settings.http_host, svc.settings.http_port)
        svc.started = True
        self.timers, self.parking = TimerLoop(svc, svc.spec.timers), Parking(svc, svc.consumer)
        return self

    async def stop(self) -> None:
        await self.svc.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def send(self, topic: str, env: dict, *, key: str | None = None, partition: int | None = None) -> dict:
        await self._batch(topic, [env], key, partition or 0)
        return env

    async def send_together(self, topic: str, envs: list[dict], key: str | None = None) -> None:
        await self._batch(topic, envs, key, 0)

    async def _batch(self, topic: str, envs: list[dict], key: str | None, partition: int) -> None:
        name = self.svc.topic(topic)
        if name not in self.svc.consumer.routes:
            return  # a topic the service does not read: on the broker it would never see it
        records = []
        for env in envs:
            raw_key, value = (key or env["subject"]).encode(), json.dumps(env).encode()
            records.append(ConsumerRecord(name, partition, self.offsets[name, partition], int(time.time() * 1000),
                                          0, raw_key, value, None, len(raw_key), len(value), ()))
            self.offsets[name, partition] += 1
        await self.svc.consumer.handle_batch(tuple(records))
        # The parking loop tries a waiting event again within a second of the fact it needed (here:
        # at once), and the timer loop fires what the batch made due by now.
        await self._background(give_up=False)

    async def at(self, when: datetime) -> None:
        self.clock.set(when)
        await self._background(give_up=False)

    async def _background(self, give_up: bool) -> None:
        """What the service's parking and timer loops would do by now. Parking waits by the wall
        clock, not the scenario's: here each parked event is tried again at once and, when giving
        up, made as old as PARK_MAX_SECONDS first, so the kit dead-letters it."""
        parked, due = await self.svc.pool.fetchrow(  # one round trip in the usual case: nothing to do
            "SELECT EXISTS (SELECT FROM parked), EXISTS (SELECT FROM timers WHERE fired_at IS NULL "
            "AND due_at <= $1)", self.clock.now())
        if parked:
            await self.svc.pool.execute(
                "UPDATE parked SET retry_at = now(), parked_at = CASE WHEN $1 THEN now() - "
                "make_interval(secs => $2) ELSE parked_at END", give_up, self.svc.settings.park_max_seconds)
            await self.parking.retry_due()
        if parked or due:  # an event applied from parking may have made a timer due
            while await self.timers.fire_due():
                pass

    async def _records(self, topic: str) -> list[tuple[str | None, bytes, dict[str, str]]]:
        await self._background(give_up=True)
        await self._no_timer_failed()
        rows = await self.svc.pool.fetch("SELECT key, value, headers FROM outbox WHERE topic = $1 ORDER BY id",
                                         self.svc.topic(topic))
        return [(r["key"], r["value"], dict(r["headers"])) for r in rows]
