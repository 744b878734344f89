"""`ptfc report rebuild`: the read model is emptied, and the service reads every topic again from
the beginning under a new consumer group (at once if running, or when started), giving the same
report as before."""
from __future__ import annotations

import json

from services.reporting import cli
from services.reporting.app import SPEC
from tests.support.reporting import Facts, utc
from tests.support.builders import uid
from tests.support.kafka import eventually
from tests.support.services import running


async def test_rebuild_replays_the_topics_into_an_empty_model(settings, producer):
    async with running(SPEC, settings) as svc:
        f = Facts(svc, producer)
        case, a, b = uid("C"), uid("P"), uid("P")
        await f.accepted(case, a, "fca_recommendation", "A10", "lot-east", "2026-04-01", "2026-03-30")
        await f.accepted(case, b, "court_order", "A10", "lot-east", "2026-04-02", "2026-03-30")
        await f.elearning(case, a, utc("2026-04-10"))
        await f.survey(case, b, utc("2026-05-01"), True, True, 4)
        async def applied() -> bool:
            return await svc.pool.fetchval("SELECT count(*) FROM inbox") == f.sent
        await eventually(applied, what="every fact applied")
        before = await cli.kpi(svc.settings, "2026-04-01", "2026-04-30")
        assert before["referrals"] == 2 and before["elearning_completed"]["count"] == 1
        assert before["survey"]["high_satisfaction"] == {"count": 1, "percent": 100.0}
        assert await cli.rebuild(svc.settings) == 1
        assert await svc.pool.fetchval("SELECT count(*) FROM referrals") == 0

        async def replayed() -> bool:
            return await cli.kpi(svc.settings, "2026-04-01", "2026-04-30") == before
        await eventually(replayed, timeout=60, what="the same report after the running service's replay")
        assert svc.group_id.endswith("reporting.g1")
    assert await cli.rebuild(svc.settings) == 2  # now while stopped: the next start replays
    async with running(SPEC, settings) as svc:
        assert svc.group_id.endswith("reporting.g2")
        await eventually(replayed, timeout=60, what="the same report after a replay at start-up")
        assert json.loads(cli.render(before, "json")) == before
