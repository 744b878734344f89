"""Session-wide real servers; per-test isolation by topic namespace and database name."""
from __future__ import annotations

import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from ptfc.kit.settings import Settings
from tests.support import infra as infra_mod

LAYERS = ("unit", "integration", "e2e")
SHARED_SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "schemas"


def pytest_collection_modifyitems(items):
    for item in items:
        parts = Path(str(item.fspath)).parts
        for layer in LAYERS:
            if layer in parts:
                item.add_marker(getattr(pytest.mark, layer))


@pytest.fixture(scope="session")
def infra():
    with ExitStack() as stack:
        yield infra_mod.start(stack)


@pytest.fixture
def ns() -> str:
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture
async def settings(infra, ns) -> Settings:
    """Settings for this test: its own topic namespace (so its own topics and consumer groups)."""
    return await infra_mod.namespaced(infra, ns)


@pytest.fixture(scope="module")
async def module_settings(infra) -> Settings:
    """One namespace for a module whose tests share one running service: a service's start waits
    about 5 s for its consumer group to form on Tansu, so tests that only need it running (HTTP
    answers, pages) share it. Each test still uses its own ids."""
    return await infra_mod.namespaced(infra, "t" + uuid.uuid4().hex[:10])


@pytest.fixture
async def producer(infra):
    p = AIOKafkaProducer(bootstrap_servers=infra.kafka, max_request_size=4 * 1024 * 1024)
    await p.start()
    yield p
    await p.stop()


@pytest.fixture(scope="session")
def shared_schemas() -> Path:
    if not SHARED_SCHEMAS.is_dir():
        pytest.skip(f"../shared/schemas not found at {SHARED_SCHEMAS}: the standards' schemas are "
                    "only beside the repo in the project's own checkout")
    return SHARED_SCHEMAS


@pytest.fixture
def smtp_sink():
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""
    from ptfc.stack.ports import free_port
    from ptfc.stack.smtp_sink import SmtpSink
    sink = SmtpSink(free_port()).start()
    yield sink
    sink.stop()
