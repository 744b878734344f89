"""The operator console (GET /console) against the real broker and database: sign-in, the known
cohort's figures in its table, system state (lag, dead letters), bad input shown on the page."""
from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys

from tests.support.builders import uid
from tests.support.console import (APRIL, CHILD_ROW, DEAD_REASON, ELEARNING_ROW, WORKSHOP_ROW, cookie_for,
                                   page, sign_in)
from tests.support.kafka import eventually


async def test_the_console_shows_a_known_cohort_its_charts_and_the_system_state(console, monkeypatch):
    token = uid("op")
    monkeypatch.setenv("OPERATOR_API_TOKEN", token)
    svc = console
    # Readiness, when configured: this instance's own URL, and one where nothing listens.
    monkeypatch.setenv("REPORTING_HEALTH_URLS", f"reporting=http://127.0.0.1:{svc.http_port}/health/ready,"
                                                "plans=http://127.0.0.1:9/health/ready")
    cookie = await cookie_for(svc.http_port, token)
    assert token not in cookie  # an HMAC of the token, never the token

    async def caught_up() -> str | None:
        status, html = await page(svc.http_port, APRIL, cookie)
        assert status == 200, html[:500]
        lag_row = f'<th scope="row">reporting</th><td>{svc.group_id}</td>\n<td>0</td>\n<td>ready</td>'
        return html if lag_row in html else None
    html = await eventually(caught_up, timeout=30, what="reporting's own lag read as 0")
    for row in (ELEARNING_ROW, WORKSHOP_ROW, CHILD_ROW):
        assert row in html
    assert html.count("<svg") == 4 and "<script" not in html and "http://" not in html.split("<svg")[0]
    for chart in ("by-month", "by-lot", "by-area", "survey"):
        assert f'id="chart-{chart}-title"' in html and f'id="chart-{chart}-alt"' in html
    assert "2026-04: e-learning within 14 days 66.7%, workshop by day 35 50.0% (3 referrals)" in html
    assert '<th scope="row">referral</th>' in html and "no offsets committed yet" in html
    assert "<td>unreachable (URLError)</td>" in html and "<td>not configured</td>" in html
    assert DEAD_REASON in html and "Jane" not in html  # the reason and origin, never the bytes
    assert f"<td>{svc.topic('ptfc.partner.referrals')}</td><td>referral</td><td>1</td>" in html


async def test_without_the_cookie_the_console_asks_for_the_token(console, monkeypatch):
    token = uid("op")
    monkeypatch.setenv("OPERATOR_API_TOKEN", token)
    svc = console
    status, html = await page(svc.http_port, APRIL)
    assert status == 401 and 'action="/console/sign-in"' in html and 'id="kpi"' not in html
    status, html = await page(svc.http_port, APRIL, "ptfc_console=" + token)  # the token is not the cookie
    assert status == 401 and 'id="kpi"' not in html
    status, headers, html = await sign_in(svc.http_port, token + "x")
    assert status == 401 and "not the operator token" in html and "set-cookie" not in {k.lower() for k in headers}
    status, headers, _ = await sign_in(svc.http_port, token)
    cookie = headers["set-cookie"].lower()
    assert status == 303 and "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie


async def test_bad_input_is_explained_on_the_page(console, monkeypatch):
    token = uid("op")
    monkeypatch.setenv("OPERATOR_API_TOKEN", token)
    svc = console
    cookie = await cookie_for(svc.http_port, token)
    for query, message in [("from=2026-05-01&to=2026-04-01", "from must not be after to"),
                           ("from=2026-04-01&to=April", "to must be a date written YYYY-MM-DD"),
                           ("from=2010-01-01&to=2026-04-01", "the period must not be longer than 10 years"),
                           (APRIL + "&lot=lot-mars", "unknown lot"),
                           (APRIL + "&cafcass_area=%3Cb%3EQ7", "unknown cafcass_area")]:
        status, html = await page(svc.http_port, query, cookie)
        error = re.search(r'<p class="error" role="alert" id="error">([^<]*)</p>', html)
        assert status == 400 and error and error.group(1).startswith(message), (query, html[:300])
        assert "Traceback" not in html and "<b>Q7" not in html and 'id="kpi"' not in html


async def test_without_a_token_configured_the_console_says_so(console, monkeypatch):
    monkeypatch.delenv("OPERATOR_API_TOKEN", raising=False)
    svc = console
    status, html = await page(svc.http_port)
    assert status == 503 and "not configured" in html


async def test_ptfc_status_prints_every_instances_lag_and_the_dead_letters(console):
    svc, settings = console, console.settings
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
           "DATABASE_URL": settings.database_url, "TOPIC_NAMESPACE": settings.topic_namespace,
           "DATABASE_NAME": svc.settings.database_name}

    async def reporting_caught_up() -> dict | None:
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "ptfc.cli", "status", "--json"],
                                       env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        doc = json.loads(done.stdout)
        lags = {row["instance"]: row["lag"] for row in doc["consumer_lag"]}
        return doc if lags["reporting"] == 0 else None
    doc = await eventually(reporting_caught_up, timeout=60, what="ptfc status: reporting's lag 0")
    lags = {row["instance"]: row["lag"] for row in doc["consumer_lag"]}
    assert lags["referral"] is None and "workshops.lot-north" in lags  # not running here: nothing committed
    assert [(d["service"], d["origin"], d["reason"], d["count"]) for d in doc["dead_letters"]] == [
        ("referral", svc.topic("ptfc.partner.referrals"), DEAD_REASON, 1)]
    assert "Jane" not in json.dumps(doc)
