"""The plans service's database and HTTP routes, without the broker (what is tested here reads
and writes only the database): the history is append-only in the database itself, and a
download link serves a plan's PDFs until it expires or an operator revokes it.
(The links that events issue and emails carry are in test_plans_service.)"""
from __future__ import annotations

import io
import json
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import asyncpg
import pytest
from pypdf import PdfReader

from contracts.referral import ReferralAccepted
from ptfc.kit import db
from ptfc.kit.clock import ManualClock
from ptfc.kit.health import service_app
from ptfc.kit.service import Service
from services.plans import store, store_links
from services.plans.domain import links
from services.plans.app import SPEC as PLANS
from services.plans.domain.agreement import Area, Step
from tests.integration.test_plans_service import accepted
from tests.support.builders import uid
from tests.support.http import exchange
from tests.support.services import for_service

T0 = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)


@asynccontextmanager
async def plans_http(settings, clock):
    """The plans service's database (migrated) and HTTP routes: no broker, no consumer."""
    svc = Service(PLANS, for_service(settings, "plans"), clock=clock)
    svc.pool = await db.open_database(settings.database_url, svc.database, 2, PLANS.package_dir)
    svc.http_port = await svc.http.start(service_app(svc), "127.0.0.1", 0)
    svc.started = True
    try:
        yield svc
    finally:
        await svc.http.stop()
        await svc.pool.close()


async def a_plan(conn, terms: str) -> tuple[str, str, str]:
    """A case whose parent A proposed `terms` for living arrangements and B agreed, money left open."""
    case, a, b = uid("C"), uid("P"), uid("P")
    for person, co in ((a, b), (b, a)):
        await store.upsert_parent(conn, ReferralAccepted.model_validate(accepted(case, person, [co])), T0)
    await store.open_plan(conn, case, a, T0)
    await store.save_steps(conn, case, a, {"living_arrangements": Area("proposed", a), "money": Area("proposed", a)},
                           [Step("living_arrangements", "proposed", "proposed", terms),
                            Step("money", "proposed", "proposed", "Unagreed money terms")], "/t", uid("e"), T0)
    await store.save_steps(conn, case, b, {"living_arrangements": Area("agreed", a)},
                           [Step("living_arrangements", "agree", "agreed", None)], "/t", uid("e"), T0)
    return case, a, b


async def a_link(conn, case: str, audience: str, person: str) -> links.Link:
    link = links.new_link(T0, 14)
    await store_links.add_link(conn, link, case, audience, person, uid("e"))
    return link


async def get(svc, path: str, token: str | None = None):
    return await exchange(svc.http_port, "POST" if path.endswith("/revoke") else "GET", path,
                          [("Authorization", f"Bearer {token}")] if token else [])


def pdf_text(body: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())


async def test_plan_history_rows_can_only_be_inserted_and_erasure_can_only_blank_terms(settings):
    async with plans_http(settings, ManualClock(T0)) as svc, svc.pool.acquire() as conn:
        case, a, _ = await a_plan(conn, "Weekdays with A")
        where = f"WHERE case_number = '{case}'"
        for statement in (f"UPDATE plan_history SET action = 'agree' {where}",
                          f"UPDATE plan_history SET terms = 'rewritten' {where}",
                          f"DELETE FROM plan_history {where}", "TRUNCATE plan_history CASCADE"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
                await conn.execute(statement)
        async with conn.transaction():  # declared an erasure, it still may not change anything else
            await conn.execute("SELECT set_config('ptfc.erasing', 'on', true)")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(f"UPDATE plan_history SET terms = NULL, occurred_at = now() {where}")
        before = await conn.fetch(f"SELECT id, area, person_id, action, state, occurred_at FROM plan_history {where}")
        async with conn.transaction():  # what the erase handler does
            await store.erase_terms(conn, a)
            with pytest.raises(asyncpg.InsufficientPrivilegeError):  # and only for that statement
                async with conn.transaction():  # a savepoint: the erasure above still commits
                    await conn.execute(f"DELETE FROM plan_history {where}")
        assert await conn.fetchval(f"SELECT count(*) FROM plan_history {where} AND terms IS NOT NULL") == 0
        after = await conn.fetch(f"SELECT id, area, person_id, action, state, occurred_at FROM plan_history {where}")
        assert after == before and len(after) == 3


async def test_a_link_serves_the_pdfs_until_it_expires(settings):
    clock = ManualClock(T0)
    async with plans_http(settings, clock) as svc:
        async with svc.pool.acquire() as conn:
            case, a, _ = await a_plan(conn, "Alternate weeks, handover on Sundays")
            parent, court = await a_link(conn, case, "parent", a), await a_link(conn, case, "court", a)
        answer = await get(svc, f"/plans/links/{court.token}/plan.pdf")
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
        assert answer.headers["cache-control"] == "no-store"
        plan = pdf_text(answer.body)
        assert f"Case {case}" in plan and "Alternate weeks, handover on Sundays" in plan
        assert "Money Open: not agreed yet" in plan and "Unagreed money terms" not in plan
        child = await get(svc, f"/plans/links/{parent.token}/child-friendly.pdf")
        assert child.status == 200 and "Where you live and who you stay with" in pdf_text(child.body)
        refused = await get(svc, f"/plans/links/{court.token}/child-friendly.pdf")  # the parents' to give
        assert refused.status == 403
        for wrong in (court.token[:-1] + ("A" if court.token[-1] != "A" else "B"), links.new_link(T0, 1).token, "x"):
            answer = await get(svc, f"/plans/links/{wrong}/plan.pdf")
            assert (answer.status, answer.json()) == (404, {"error": "no such link"})
        clock.set(T0 + timedelta(days=14))
        answer = await get(svc, f"/plans/links/{parent.token}/plan.pdf")
        assert answer.status == 410 and "expired" in answer.json()["error"]


async def test_an_operator_lists_a_cases_links_and_revokes_one(settings, monkeypatch):
    clock = ManualClock(T0)
    async with plans_http(settings, clock) as svc:
        async with svc.pool.acquire() as conn:
            case, a, b = await a_plan(conn, "Weekdays with A")
            mediator, parent = await a_link(conn, case, "mediator", a), await a_link(conn, case, "parent", b)
        monkeypatch.delenv("OPERATOR_API_TOKEN", raising=False)
        assert (await get(svc, f"/plans/cases/{case}/links", "any")).status == 503
        monkeypatch.setenv("OPERATOR_API_TOKEN", token := uid("op"))
        assert (await get(svc, f"/plans/links/{mediator.link_id}/revoke", "wrong")).status == 401
        assert (await get(svc, f"/plans/links/{mediator.token}/plan.pdf")).status == 200
        revoked = await get(svc, f"/plans/links/{mediator.link_id}/revoke", token)
        assert revoked.status == 200 and revoked.json()["revoked_because"] == "operator"
        answer = await get(svc, f"/plans/links/{mediator.token}/plan.pdf")
        assert (answer.status, answer.json()) == (410, {"error": "this link has been withdrawn"})
        assert (await get(svc, f"/plans/links/{parent.token}/plan.pdf")).status == 200  # the others still work
        listed = (await get(svc, f"/plans/cases/{case}/links", token)).json()
        assert {(r["link_id"], r["downloads"], r["revoked_at"] is None) for r in listed} == {
            (mediator.link_id, 1, False), (parent.link_id, 1, True)}
        assert mediator.secret not in json.dumps(listed) and parent.secret not in json.dumps(listed)
        assert (await get(svc, "/plans/links/Lnope/revoke", token)).status == 404
