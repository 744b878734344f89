"""One way to run any service: settings, logs, database, consumer, relay, timers, HTTP.

A service supplies a `ServiceSpec`; everything else is here, once.
"""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

from fastapi import APIRouter
from faststream.kafka import KafkaBroker, KafkaRouter

from contracts.topics import namespaced
from ptfc.db_names import database_for
from ptfc.kit import db
from ptfc.kit.clock import from_setting
from ptfc.kit.health import Health, Metrics, service_app
from ptfc.kit.http import HttpServer
from ptfc.kit.kafka_security import faststream_security
from ptfc.kit.logging import configure, get_logger
from ptfc.kit.outbox import Relay, make_producer
from ptfc.kit.parking import Parking
from ptfc.kit.retry import until_available
from ptfc.kit.settings import Settings
from ptfc.kit.timers import TimerHandler, TimerLoop

log = get_logger()


@dataclass
class ServiceSpec:
    name: str
    package_dir: Path
    build_router: Callable[["Service"], KafkaRouter]
    timers: dict[str, TimerHandler] = field(default_factory=dict)
    # The service's own routes, added to the kit's app (health and metrics are the kit's).
    http_routes: Callable[["Service"], APIRouter] | None = None
    background: list[Callable[["Service"], Awaitable[None]]] = field(default_factory=list)
    on_start: Callable[["Service"], Awaitable[None]] | None = None
    needs_lot: bool = False
    # An event of a case waits behind that case's due timers (ptfc/kit/ordering.py).
    programme_order: bool = False
    # Its own typed settings (services/<name>/settings.py), read from the environment: `Service.config`.
    settings: Callable[[], Any] | None = None


def database_of(settings: Any, service: str, lot: str | None = None) -> str:
    """The database a service instance owns: DATABASE_NAME if set, else its default name. Also
    for commands (e.g. `ptfc learning reissue`) that read a service's database from outside."""
    return settings.database_name or database_for(service, lot, settings.topic_namespace)


class Service:
    def __init__(self, spec: ServiceSpec, settings: Settings | None = None, clock: Any = None,
                 config: Any = None) -> None:
        # settings: the kit's plumbing; config: the service's own (given, or from the environment).
        self.spec, self.settings = spec, settings or Settings()
        self.config = config if config is not None else (spec.settings() if spec.settings else None)
        if spec.needs_lot and not self.settings.lot:
            raise SystemExit(f"{spec.name}: set LOT (or pass --lot), e.g. lot-north")
        self.name = spec.name
        self.instance = f"{spec.name}.{self.settings.lot}" if spec.needs_lot else spec.name
        self.source = f"/ptfc/{self.instance}"
        self.clock = clock or from_setting(self.settings.clock)
        self.metrics, self.health = Metrics(spec.name), Health()
        self.http = HttpServer()
        self.pool: Any = None
        self.producer: Any = None
        self.broker: KafkaBroker | None = None
        self.consumer: Any = None  # set by kit.subscribe when the router is built
        self.started = False
        self.http_port = 0
        self._tasks: list[asyncio.Task] = []
        # A service that rebuilds from history (reporting) reads again under a new consumer group.
        self.group_suffix = ""

    def topic(self, name: str) -> str:
        return namespaced(self.settings.topic_namespace, name)

    @property
    def group_id(self) -> str:
        return namespaced(self.settings.topic_namespace, self.instance + self.group_suffix)

    @property
    def database(self) -> str:
        return database_of(self.settings, self.name, self.settings.lot if self.spec.needs_lot else None)

    @property
    def dsn(self) -> str:
        return db.with_database(self.settings.database_url, self.database)

    def assignment(self) -> set[tuple[str, int]]:
        """(topic, partition) pairs this instance consumes now (replicas split them)."""
        out: set[tuple[str, int]] = set()
        for sub in (self.broker.subscribers if self.broker else []):
            consumer = getattr(sub, "consumer", None)
            if consumer is not None:
                out |= {(tp.topic, tp.partition) for tp in consumer.assignment()}
        return out

    def make_broker(self) -> KafkaBroker:
        # A plain stdlib logger: records reach the kit's JSON formatter (faststream's default has
        # its own coloured handler); per-message lines only at DEBUG.
        broker = KafkaBroker(self.settings.kafka_bootstrap_servers, apply_types=False, client_id=self.instance,
                             logger=logging.getLogger("faststream.ptfc"), log_level=logging.DEBUG,
                             security=faststream_security(self.settings))  # SASL/TLS from the environment
        broker.include_router(self.spec.build_router(self))
        return broker

    async def start(self) -> None:
        # HTTP first: /health/ready answers 503 (rather than nothing, or an exited process) while
        # start-up waits, with backoff, for a database or broker that is not up yet.
        self.http_port = await self.http.start(service_app(self), self.settings.http_host, self.settings.http_port)
        await self.open_storage()
        self.producer = await until_available(self._start_producer, "broker", log)
        relay = Relay(self.pool, self.dsn, self.producer, self.settings.relay_batch_size, self.metrics)
        self._spawn(relay.run(), relay.purge())
        if self.spec.timers:
            self._spawn(TimerLoop(self, self.spec.timers).run())
        self._spawn(*(bg(self) for bg in self.spec.background))
        self.broker = self.make_broker()
        if self.consumer is not None:
            self._spawn(Parking(self, self.consumer).run())
        await until_available(self._start_broker, "broker", log)
        self.started = True
        log.info("service.started", instance=self.instance, database=self.database,
                 http_port=self.http_port, group=self.group_id)

    async def open_storage(self) -> None:
        """The database (migrated) and the service's own start step: all a service needs to decide,
        and where the direct test tier (tests/support/tier_direct.py) stops: no broker, no loops."""
        s = self.settings
        self.pool = await until_available(lambda: db.open_database(
            s.database_url, self.database, s.database_pool_size, self.spec.package_dir), "database", log)
        if self.spec.on_start:
            await self.spec.on_start(self)

    async def _start_producer(self) -> Any:
        producer = make_producer(self.settings, f"{self.instance}-relay")
        try:
            await producer.start()
        except BaseException:
            await producer.stop()  # a failed start leaves its client open; the next try is new
            raise
        return producer

    async def _start_broker(self) -> None:
        try:
            await self.broker.start()
        except BaseException:
            await self.broker.stop()  # faststream's broker starts again after a stop
            raise

    def _spawn(self, *coros: Awaitable[None]) -> None:
        for coro in coros:
            self._tasks.append(asyncio.create_task(coro))

    async def stop(self) -> None:
        self.started = False
        if self.broker is not None:
            await self.broker.stop()  # stops consuming; in-flight batch finishes or is redelivered
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.http.stop()
        if self.producer is not None:
            await self.producer.stop()
        if self.pool is not None:
            await self.pool.close()
        log.info("service.stopped", instance=self.instance)


async def serve(spec: ServiceSpec, settings: Settings | None = None) -> None:
    """Run until SIGINT/SIGTERM, then stop cleanly."""
    settings = settings or Settings()
    configure(spec.name, settings.log_level)
    svc = Service(spec, settings)
    stop = asyncio.Event()
    starting = asyncio.create_task(svc.start())

    def on_signal() -> None:
        stop.set()
        starting.cancel()  # a start-up still waiting for its database or broker ends there

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    try:
        await starting
        await stop.wait()
    except asyncio.CancelledError:
        if not stop.is_set():
            raise
    finally:
        await svc.stop()
