"""A database outage of several seconds is ridden out: nothing lost, nothing doubled."""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

from contracts import topics as T
from tests.integration.test_kit_consumer import activated, effects
from tests.support.builders import uid
from tests.support.http import call
from tests.support.kafka import eventually, publish
from tests.support.probe import app as probe
from tests.support.proxy import CuttableProxy
from tests.support.services import running


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit((parts.scheme, f"{user}127.0.0.1:{port}", parts.path, parts.query, ""))


async def test_database_outage_is_ridden_out(settings, producer):
    real = urlsplit(settings.database_url)
    proxy = await CuttableProxy(real.hostname, real.port or 5432).start()
    s = settings.model_copy(update={"database_url": through(settings.database_url, proxy.port)})
    case = uid("C")
    people = [uid("P") for _ in range(20)]
    async with running(probe.SPEC, s) as svc:
        ready = f"http://127.0.0.1:{svc.http_port}/health/ready"
        await eventually(lambda: _status(ready, 200), what="ready before the outage")
        await proxy.cut()
        for person in people:
            await publish(producer, svc.topic(T.PARTNER_LEARNING), activated(person, case), case)
        await eventually(lambda: _status(ready, 503), timeout=10, what="not ready during the outage")
        await asyncio.sleep(5)  # the outage itself: several seconds of a dead database
        await proxy.restore()
        await eventually(lambda: _all_once(svc, people), timeout=60, what="every event applied once")
        await eventually(lambda: _status(ready, 200), timeout=15, what="ready again")
        assert svc.metrics.counters.get("dead_letters_total", 0) == 0


async def _status(url: str, expected: int) -> bool:
    return (await call("GET", url))[0] == expected


async def _all_once(svc, people) -> bool:
    try:
        counts = [await effects(svc, p) for p in people]
    except Exception:
        return False
    assert max(counts) <= 1, counts
    return min(counts) == 1
