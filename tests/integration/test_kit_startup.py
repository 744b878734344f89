"""Start-up is safe and patient: replicas racing to create one database, and a service started
while its database or broker is still down."""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from structlog.testing import capture_logs

from contracts.topics import all_topics, namespaced
from ptfc.kit import db
from ptfc.kit.service import Service
from ptfc.kit.topic_admin import ensure_topics
from ptfc.stack.ports import free_port
from tests.support.http import call
from tests.support.kafka import eventually
from tests.support.probe import app as probe
from tests.support.proxy import CuttableProxy

SECRET = "startup-s3cret-not-for-logs"  # a server that trusts the user ignores it


def migration_names() -> list[str]:
    kit = [f"kit/{f.name}" for f in db.KIT_MIGRATIONS.glob("*.sql")]
    return sorted(kit + [f"service/{f.name}" for f in (probe.SPEC.package_dir / "migrations").glob("*.sql")])


async def _set_up(server_url: str, database: str) -> list[str]:
    """What every replica does first: its database, then its migrations."""
    await db.ensure_database(server_url, database)
    pool = await db.create_pool(db.with_database(server_url, database), 2)
    try:
        return await db.migrate(pool, probe.SPEC.package_dir)
    finally:
        await pool.close()


async def test_eight_replicas_setting_up_one_new_database_at_once_all_succeed(settings):
    database = f"{settings.topic_namespace}_race"
    results = await asyncio.gather(*(_set_up(settings.database_url, database) for _ in range(8)),
                                   return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sorted(m for applied in results for m in applied) == migration_names()  # each once, by one
    conn = await asyncpg.connect(settings.database_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", database) == 1
    finally:
        await conn.close()


def _through(url: str, port: int) -> str:
    """The same server URL, reached through a local port (and with a password, to look for)."""
    parts = urlsplit(url)
    user = parts.username or "postgres"
    password = parts.password or SECRET
    return urlunsplit((parts.scheme, f"{user}:{password}@127.0.0.1:{port}", parts.path, parts.query, ""))


async def _status(url: str) -> int:
    return (await call("GET", url))[0]


async def _ready(url: str) -> bool:
    return await _status(url) == 200


async def _waits_then_ready(svc: Service, open_the_way, logs: list[dict], unavailable: str) -> None:
    """Start `svc` while a dependency is down: HTTP answers 503, start-up keeps retrying (one
    warning per attempt) instead of exiting; once `open_the_way()` ran, it turns ready."""
    starting = asyncio.create_task(svc.start())
    try:
        await eventually(lambda: svc.http_port or starting.done(), timeout=10, what="HTTP up first")
        assert not starting.done(), starting.exception()
        ready = f"http://127.0.0.1:{svc.http_port}/health/ready"
        assert await _status(ready) == 503
        await eventually(lambda: sum(e["event"] == unavailable for e in logs) >= 3 or starting.done(),
                         timeout=20, what=f"three {unavailable} warnings")
        assert not starting.done(), starting.exception()
        assert await _status(ready) == 503
        await open_the_way()
        await eventually(lambda: _ready(ready), timeout=30, what="ready once it is reachable")
        await asyncio.wait_for(starting, 10)
    finally:
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        await svc.stop()


async def test_service_started_while_its_database_is_down_waits_and_then_becomes_ready(settings):
    real = urlsplit(settings.database_url)
    port = free_port()  # nothing listens here until the proxy starts
    proxy = CuttableProxy(real.hostname, real.port or 5432)
    s = settings.model_copy(update={"database_url": _through(settings.database_url, port),
                                    "database_name": f"{settings.topic_namespace}_probe"})
    with capture_logs() as logs:
        try:
            await _waits_then_ready(Service(probe.SPEC, s), lambda: proxy.start(port), logs,
                                    "database.unavailable")
        finally:
            if proxy.server is not None:
                await proxy.cut()
    warnings = [e for e in logs if e["event"] == "database.unavailable"]
    assert all(e["log_level"] == "warning" and e["attempt"] == i + 1 for i, e in enumerate(warnings))
    assert SECRET not in repr(logs) and (real.password is None or real.password not in repr(logs))


async def test_service_started_while_the_broker_is_down_waits_and_then_becomes_ready(settings):
    host, _, kport = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    port = free_port()
    proxy = CuttableProxy(host, int(kport))  # the bootstrap address only; then the advertised one
    s = settings.model_copy(update={"kafka_bootstrap_servers": f"127.0.0.1:{port}",
                                    "database_name": f"{settings.topic_namespace}_probe"})
    with capture_logs() as logs:
        try:
            await _waits_then_ready(Service(probe.SPEC, s), lambda: proxy.start(port), logs,
                                    "broker.unavailable")
        finally:
            if proxy.server is not None:
                await proxy.cut()


async def test_four_instances_creating_the_topics_of_a_new_namespace_at_once_all_succeed(settings):
    s = settings.model_copy(update={"topic_namespace": settings.topic_namespace + "x"})
    results = await asyncio.gather(*(ensure_topics(s, ["lot-north"]) for _ in range(4)), return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    wanted = sorted(namespaced(s.topic_namespace, t) for t in all_topics(["lot-north"]))
    assert sorted(t for created in results for t in created) == wanted  # each by exactly one
    assert await ensure_topics(s, ["lot-north"]) == []  # and then there is nothing left to create


async def test_a_services_own_routes_answer_503_while_it_waits_for_its_database(settings):
    """HTTP is up before the database; a route that needs the pool must not fail with a 500."""
    from services.learning.app import SPEC as LEARNING
    s = settings.model_copy(update={"database_url": _through(settings.database_url, free_port()),
                                    "database_name": f"{settings.topic_namespace}_learning"})
    svc = Service(LEARNING, s)
    starting = asyncio.create_task(svc.start())
    try:
        await eventually(lambda: svc.http_port or starting.done(), timeout=10, what="HTTP up first")
        base = f"http://127.0.0.1:{svc.http_port}"
        status, body = await call("GET", f"{base}/certificates/check/PTFC-AAAA-BBBB-CCCC-DDDD")
        assert (status, body["error"]) == (503, "the service is starting")
        assert await _status(f"{base}/health/live") == 200
    finally:
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        await svc.stop()
