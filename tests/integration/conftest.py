"""Fixtures shared by integration modules."""
from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer

from tests.support import infra as infra_mod


@pytest.fixture(scope="session")
async def console(infra):
    """One reporting service holding the known cohort (tests/support/console.py), shared by every
    test that only reads it: each start waits about 5 s for a consumer group on Tansu, and the
    cohort takes as long again to apply. Tests that publish facts of their own run their own."""
    from services.reporting.app import SPEC
    from tests.support.console import known_cohort
    from tests.support.services import running
    settings = await infra_mod.namespaced(infra, "t" + uuid.uuid4().hex[:10])
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka)
    await producer.start()
    try:
        async with running(SPEC, settings) as svc:
            await known_cohort(svc, producer)
            yield svc
    finally:
        await producer.stop()


@pytest.fixture
async def tier(request, infra, ns, subject):
    """The driver a scenario runs on (tests/support/tiers.py), for the module's `subject`: the test
    is parametrised with `tiers.DIRECT` (PostgreSQL alone) or `tiers.BOTH` (and the real broker)."""
    from tests.support.tiers import open_driver
    async with open_driver(request.param, subject, infra, ns) as driver:
        yield driver
