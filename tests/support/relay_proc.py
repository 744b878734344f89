"""Runs only an outbox relay (its own process, so a test can SIGKILL it mid-batch).

Usage: python -m tests.support.relay_proc <dsn> <bootstrap> <batch_size>
"""
from __future__ import annotations

import asyncio
import sys

from ptfc.kit import db
from ptfc.kit.health import Metrics
from ptfc.kit.outbox import Relay, make_producer
from ptfc.kit.settings import Settings


async def main(dsn: str, bootstrap: str, batch: int) -> None:
    pool = await db.create_pool(dsn, 4)
    producer = make_producer(Settings(kafka_bootstrap_servers=bootstrap), "relay-proc")
    await producer.start()
    await Relay(pool, dsn, producer, batch, Metrics()).run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
