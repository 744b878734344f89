"""The kit's HTTP server in a real service on a real socket: routes, limits and error answers."""
from __future__ import annotations

import asyncio
import http.client
import time
from contextlib import asynccontextmanager
from dataclasses import replace
from types import SimpleNamespace

import pytest
from fastapi import APIRouter, Request
from prometheus_client.parser import text_string_to_metric_families

from contracts import topics as T
from ptfc.kit.api import bearer_token
from ptfc.kit.http import HttpLimits
from ptfc.kit.service import Service
from tests.integration.test_kit_consumer import activated, effects
from tests.support.builders import uid
from tests.support.http import call, exchange, trickle
from tests.support.kafka import eventually, publish
from tests.support.probe import app as probe
from tests.support.services import for_service

# Short limits, so a test shows a limit holding without waiting the production ten seconds.
LIMITS = HttpLimits(receipt_seconds=1.0, handler_seconds=1.0)
MiB = 1024 * 1024
SECRET = "value-the-caller-sent"


def routes(svc) -> APIRouter:
    """Routes a service might add: one reads a body, one is slow, one fails, one is protected."""
    router = APIRouter()
    @router.post("/test/echo")
    async def echo(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    @router.get("/test/slow")
    async def slow() -> dict:
        await asyncio.sleep(30)
        return {}

    @router.get("/test/crash")
    async def crash() -> dict:
        raise RuntimeError(f"failed on {SECRET}")

    @router.get("/test/count")
    async def count(n: int) -> dict:
        return {"n": n}

    @router.get("/test/operator", dependencies=[bearer_token(lambda: svc.config.token, scheme="op", unset="no token")])
    async def operator() -> dict:
        return {"ok": True}

    return router


@asynccontextmanager
async def serving(settings):
    # The service's own settings: its token, set by a test (read per request, as learning's is).
    svc = Service(replace(probe.SPEC, http_routes=routes), for_service(settings, "probe_http"),
                  config=SimpleNamespace(token=None))
    svc.http.limits = LIMITS
    await svc.start()
    try:
        yield svc
    finally:
        await svc.stop()


@pytest.fixture(scope="module")
async def svc(module_settings):
    """One running probe for the module: these tests only need a service up (its start waits for
    a consumer group), and none changes what another reads."""
    async with serving(module_settings) as running:
        yield running


def url(svc, path: str) -> str:
    return f"http://127.0.0.1:{svc.http_port}{path}"


async def test_live_and_ready_answer(svc):
    assert await call("GET", url(svc, "/health/live")) == (200, {"status": "live", "service": "probe"})
    status, ready = await call("GET", url(svc, "/health/ready"))
    assert (status, ready) == (200, {"ready": True, "database": True, "broker": True, "consumer": True})


async def test_metrics_parse_as_prometheus_text_and_count_what_was_handled(svc, producer):
    case, person = uid("C"), uid("P")
    await publish(producer, svc.topic(T.PARTNER_LEARNING), activated(person, case), case)
    await eventually(lambda: effects(svc, person), what="the event handled")
    answer = await exchange(svc.http_port, "GET", "/metrics")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {f.name: f for f in text_string_to_metric_families(answer.body.decode())}
    (sample,) = families["ptfc_events_handled"].samples
    assert sample.name == "ptfc_events_handled_total" and sample.labels == {"service": "probe"}
    assert families["ptfc_events_handled"].type == "counter"
    assert sample.value == svc.metrics.counters["events_handled_total"] >= 1


async def test_kept_alive_connection_answers_without_delayed_ack_stalls(svc):
    """20 requests on one connection: ~10 ms in all, or ~800 ms if replies waited for delayed ACKs
    (asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP)."""
    def twenty(port: int) -> float:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        started = time.monotonic()
        for _ in range(20):
            conn.request("GET", "/health/live")
            response = conn.getresponse()
            assert (response.status, response.will_close) == (200, False)
            response.read()
        conn.close()
        return time.monotonic() - started
    assert await asyncio.to_thread(twenty, svc.http_port) < 0.4


async def test_unknown_route_is_a_json_404(svc):
    assert await call("GET", url(svc, "/no/such/route")) == (404, {"error": "Not Found"})


async def test_declared_body_over_one_mib_is_refused_before_it_is_read(svc):
    answer = await exchange(svc.http_port, "POST", "/test/echo", [("Content-Length", str(MiB + 1))],
                            chunks=[b"x" * 65536] * 17)
    assert (answer.status, answer.json()) == (413, {"error": "the request body is too large"})
    ok = await exchange(svc.http_port, "POST", "/test/echo", [("Content-Length", str(MiB))],
                        chunks=[b"x" * 65536] * 16)
    assert (ok.status, ok.json()) == (200, {"bytes": MiB})


async def test_chunked_body_over_one_mib_is_cut_off(svc):
    answer = await exchange(svc.http_port, "POST", "/test/echo", chunks=[b"x" * 65536] * 64)
    assert (answer.status, answer.json()) == (413, {"error": "the request body is too large"})
    assert answer.headers["connection"] == "close"


async def test_oversized_header_is_refused(svc):
    answer = await exchange(svc.http_port, "GET", "/health/live", [("X-Big", "a" * 64 * 1024)])
    assert answer.status in (400, 431)
    assert (await exchange(svc.http_port, "GET", "/health/live", [("X-Fine", "a" * 4096)])).status == 200


async def test_client_that_never_finishes_its_request_is_cut_off(svc):
    head = b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    closed_after = await trickle(svc.http_port, head, b"a", every=0.1, limit=5)
    assert closed_after is not None and closed_after < LIMITS.receipt_seconds + 1


async def test_slow_route_is_answered_503_within_the_limit(svc):
    started = time.monotonic()
    assert await call("GET", url(svc, "/test/slow")) == (503, {"error": "the request took too long"})
    assert time.monotonic() - started < LIMITS.handler_seconds + 1


async def test_failing_route_answers_500_without_a_trace(svc):
    answer = await exchange(svc.http_port, "GET", "/test/crash")
    assert (answer.status, answer.json()) == (500, {"error": "internal error"})
    assert b"Traceback" not in answer.body and SECRET.encode() not in answer.body


async def test_invalid_input_is_a_json_422_that_does_not_repeat_it(svc):
    status, body = await call("GET", url(svc, f"/test/count?n={SECRET}"))
    assert status == 422 and body["error"] == "the request is invalid"
    assert body["problems"][0].startswith("query.n: ") and SECRET not in str(body)


async def test_bearer_token_route(svc):
    path = "/test/operator"
    assert (await exchange(svc.http_port, "GET", path)).status == 503  # no token configured
    svc.config.token = "s3cret-" + uid("t")
    assert (await exchange(svc.http_port, "GET", path)).status == 401
    wrong = await exchange(svc.http_port, "GET", path, [("Authorization", "Bearer wrong")])
    assert wrong.status == 401 and wrong.headers["www-authenticate"] == "Bearer"
    right = [("Authorization", f"Bearer {svc.config.token}")]
    assert (await exchange(svc.http_port, "GET", path, right)).json() == {"ok": True}
