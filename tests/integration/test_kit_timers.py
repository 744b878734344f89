"""A timer round gives way to a consumer batch holding the rows its handler needs (PostgreSQL only).

A round holds its timers' rows; a batch may hold a parent's row and wait for one of those timers
(to cancel it) while the round's handler waits for the parent: a deadlock, which PostgreSQL breaks
after a second by failing one side, and the batch is retried whole. So a round waits at most
ROUND_LOCK_TIMEOUT_MS for a row and leaves that timer to the next tick (make chaos: learning)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from types import SimpleNamespace

from ptfc.kit import db
from ptfc.kit.clock import ManualClock
from ptfc.kit.health import Metrics
from ptfc.kit.settings import Settings
from ptfc.kit.timers import TimerLoop, schedule

DUE = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def _service(infra, ns: str):
    database = f"{ns}_timers"
    await db.ensure_database(infra.database_url, database)
    pool = await db.create_pool(db.with_database(infra.database_url, database), 3)
    await db.migrate(pool, None)  # the kit's own tables: timers, outbox, replays
    await pool.execute("CREATE TABLE parents (person_id text PRIMARY KEY, certified boolean NOT NULL)")
    return SimpleNamespace(pool=pool, clock=ManualClock(DUE), source="/ptfc/test", topic=lambda t: t,
                           settings=Settings(), name="test", metrics=Metrics("test"))


async def _certify(tctx) -> None:  # like learning's certificate timer: it locks the parent's row
    await tctx.conn.execute("SELECT 1 FROM parents WHERE person_id = $1 FOR UPDATE", tctx.timer.key)
    await tctx.conn.execute("UPDATE parents SET certified = true WHERE person_id = $1", tctx.timer.key)


async def test_a_round_leaves_a_timer_whose_row_a_batch_holds_to_the_next_tick(infra, ns):
    svc = await _service(infra, ns)
    loop = TimerLoop(svc, {"certificate": _certify})
    try:
        await svc.pool.execute("INSERT INTO parents VALUES ('P-1', false), ('P-2', false)")
        async with svc.pool.acquire() as conn:
            await schedule(conn, "certificate", "P-1", "C-1", DUE)
            await schedule(conn, "certificate", "P-2", "C-2", DUE)
        async with svc.pool.acquire() as batch, batch.transaction():
            await batch.execute("SELECT 1 FROM parents WHERE person_id = 'P-1' FOR UPDATE")
            # Without the round's lock timeout this waits for the batch, which here never ends.
            fired = await asyncio.wait_for(loop.fire_due(), timeout=10)
        assert fired == 1  # P-2's certificate, not held up behind P-1's
        assert await svc.pool.fetchval("SELECT certified FROM parents WHERE person_id = 'P-2'")
        assert not await svc.pool.fetchval("SELECT certified FROM parents WHERE person_id = 'P-1'")
        assert await svc.pool.fetchval("SELECT attempts FROM timers WHERE key = 'P-1'") == 0  # not an error
        assert await loop.fire_due() == 1  # the batch has committed: the next tick fires it
        assert await svc.pool.fetchval("SELECT certified FROM parents WHERE person_id = 'P-1'")
    finally:
        await svc.pool.close()


async def test_an_erasure_empties_an_event_deferred_behind_its_cases_timers(infra, ns):
    """A deferred event keeps its record, base64, in its timer (ptfc/kit/ordering.py): an erasure
    must reach it, and it must never be applied afterwards (it would bring the person back)."""
    import base64
    import json
    from ptfc.kit.erasure import erase_kept
    from ptfc.kit.ordering import DEFERRED
    svc = await _service(infra, ns)
    try:
        async with svc.pool.acquire() as conn:
            for key, person in (("src|e1", "P-erased"), ("src|e2", "P-kept")):
                value = json.dumps({"data": {"person_id": person, "given_name": "Robin"}}).encode()
                await schedule(conn, DEFERRED, key, "C-1", DUE, {"topic": "t", "partition": 0, "offset": 1,
                                                                   "key": None, "value": base64.b64encode(value).decode()})
            assert await erase_kept(conn, "P-erased") == 1
        rows = {r["key"]: r for r in await svc.pool.fetch("SELECT key, payload, fired_at FROM timers")}
        payload = {k: r["payload"] if isinstance(r["payload"], dict) else json.loads(r["payload"])
                   for k, r in rows.items()}
        assert payload["src|e1"] == {} and rows["src|e1"]["fired_at"] is not None
        assert "value" in payload["src|e2"] and rows["src|e2"]["fired_at"] is None
    finally:
        await svc.pool.close()
