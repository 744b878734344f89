"""Kept dead-letter bytes have a time limit (issue 11): DEAD_LETTER_KEEP_DAYS after the refusal
the bytes and key go, the reason and origin stay. PostgreSQL only: rows are back-dated."""
from __future__ import annotations

import asyncio

from ptfc.kit import db, deadletter
from ptfc.kit.parking import Parking
from ptfc.kit.settings import Settings

ROW = ('INSERT INTO dead_letters(topic, partition, "offset", reason, withheld, withheld_key, recorded_at) '
       "VALUES ('ptfc.partner.referrals', 0, $1, 'data: invalid', $2, $3, now() - make_interval(days => $4))")


async def _kit_database(infra, ns: str):
    database = f"{ns}_keep"
    await db.ensure_database(infra.database_url, database)
    pool = await db.create_pool(db.with_database(infra.database_url, database), 2)
    await db.migrate(pool, None)  # the kit's own migrations: dead_letters with withheld, withheld_key
    return pool


async def test_bytes_older_than_the_limit_go_and_the_dead_letter_stays(infra, ns):
    pool = await _kit_database(infra, ns)
    try:
        await pool.execute(ROW, 1, b'{"name": "Ann"}', b"C-1", 31)  # past 30 days
        await pool.execute(ROW, 2, b"", b"C-2", 31)  # an empty message still has its key kept
        await pool.execute(ROW, 3, b'{"name": "Bo"}', b"C-3", 29)  # within them
        assert await deadletter.forget_withheld(pool, 0) == 0  # 0: kept for ever
        assert await deadletter.forget_withheld(pool, 30) == 2
        rows = {r["offset"]: r for r in await pool.fetch('SELECT "offset", reason, withheld, withheld_key '
                                                          "FROM dead_letters")}
        assert [(rows[o]["withheld"], rows[o]["withheld_key"]) for o in (1, 2)] == [(None, None)] * 2
        assert bytes(rows[3]["withheld"]) == b'{"name": "Bo"}' and bytes(rows[3]["withheld_key"]) == b"C-3"
        assert {r["reason"] for r in rows.values()} == {"data: invalid"}  # counts and reasons unchanged
        assert await deadletter.forget_withheld(pool, 30) == 0  # nothing left to forget
    finally:
        await pool.close()


async def test_every_consuming_service_forgets_on_its_own(infra, ns, monkeypatch):
    """The loop beside parking (Parking.run) forgets at once on start, then every FORGET_EVERY."""
    pool = await _kit_database(infra, ns)
    monkeypatch.setattr(deadletter, "FORGET_EVERY", 0.05)

    class Svc:  # what Parking.run reads of the service
        settings = Settings(dead_letter_keep_days=7)

    Svc.pool = pool
    parking = Parking(Svc(), consumer=None)
    monkeypatch.setattr(parking, "retry_due", _nothing)
    task = asyncio.create_task(parking.run())
    try:
        await pool.execute(ROW, 1, b'{"name": "Ann"}', b"C-1", 8)
        for _ in range(100):
            if await pool.fetchval("SELECT withheld IS NULL FROM dead_letters"):
                break
            await asyncio.sleep(0.05)
        assert await pool.fetchval("SELECT withheld IS NULL AND withheld_key IS NULL FROM dead_letters")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await pool.close()


async def _nothing() -> int:
    return 0
