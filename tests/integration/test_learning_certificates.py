"""Certificates: issued once, a day after both stages are done, emailed and served as a PDF and
checkable by anyone; one rule per scenario, each run on PostgreSQL alone and (BOTH) on the broker
too (tests/support/tiers.py)."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest

from contracts import learning as L
from contracts import topics as T
from services.learning.app import SPEC
from tests.support.http import call
from tests.support.learning import T0, UTC, Hub, Parent, get, pdf_text
from tests.support.tiers import BOTH, DIRECT, Subject

TOKEN = "s3cret-certificates"
NAME = "Zoë O'Brien (Alex)"
FINISHED = datetime(2026, 11, 12, 10, tzinfo=UTC)  # the e-learning
RECORDED = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)  # the workshop attendance
DUE = RECORDED + timedelta(hours=24)


@pytest.fixture
def subject() -> Subject:
    return Subject(SPEC, at=T0, overrides={"certificate_api_token": TOKEN})


# Overrides the fixture for a scenario that asks the service over HTTP.
SERVED = pytest.mark.parametrize("subject", [Subject(SPEC, at=T0, overrides={"certificate_api_token": TOKEN},
                                                     http=True)], ids=["http"])


async def both_stages(tier, restart: bool = False) -> Parent:
    """A parent who finished the e-learning and attended a workshop, at DUE; `restart`: the service
    stopped and started again between scheduling the certificate and its due time."""
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.name(p, NAME)
    await hub.all_modules(p, FINISHED)
    await hub.attended(p, RECORDED)
    if restart:
        await tier.restart()
    await tier.at(DUE)
    return p


async def issued(tier) -> dict:
    (certificate,) = await tier.events(T.LEARNING_EVENTS, L.CERTIFICATE_ISSUED)
    return certificate


@DIRECT
async def test_no_certificate_is_issued_before_a_day_has_passed_since_the_attendance(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.all_modules(p, FINISHED)
    await hub.attended(p, RECORDED)
    await tier.at(DUE - timedelta(minutes=1))
    assert not await tier.events(T.LEARNING_EVENTS, L.CERTIFICATE_ISSUED)


@DIRECT
async def test_a_certificate_is_issued_a_day_after_the_attendance_with_both_dates(tier):
    p = await both_stages(tier)
    certificate = await issued(tier)
    data = certificate["data"]
    assert certificate["subject"] == p.case
    assert (data["person_id"], data["elearning_completed_on"], data["workshop_attended_on"]) == (
        p.person, "2026-11-12", "2026-11-20")
    assert datetime.fromisoformat(data["issued_at"]) == DUE


@DIRECT
async def test_a_parent_who_attended_without_finishing_the_elearning_gets_no_certificate(tier):
    hub, p = Hub(tier), Parent()
    await hub.accept(p)
    await hub.module(p, "welcome", FINISHED)
    await hub.attended(p, RECORDED)
    await tier.at(RECORDED + timedelta(days=3))
    assert not await tier.events(T.LEARNING_EVENTS, L.CERTIFICATE_ISSUED)


@BOTH
async def test_a_certificate_scheduled_before_a_restart_is_issued_after_it(tier):
    p = await both_stages(tier, restart=True)  # the timer is in the database, not in memory
    assert (await issued(tier))["data"]["person_id"] == p.person


@DIRECT
async def test_a_repeated_attendance_issues_no_second_certificate(tier):
    p = await both_stages(tier)
    await Hub(tier).attended(p, RECORDED + timedelta(hours=1))  # another event id
    await tier.at(RECORDED + timedelta(days=3))
    assert len(await tier.events(T.LEARNING_EVENTS, L.CERTIFICATE_ISSUED)) == 1


@DIRECT
async def test_the_certificate_is_emailed_as_a_pdf_with_the_parents_name(tier):
    p = await both_stages(tier)
    number = (await issued(tier))["data"]["certificate_number"]
    (email,) = await tier.emails("learning_certificate", p.person)
    assert email["context"]["certificate_number"] == number
    (attachment,) = email["attachments"]
    assert NAME in pdf_text(base64.b64decode(attachment["content_base64"]))


@DIRECT
@SERVED
async def test_the_certificate_pdf_is_served_only_with_the_token(tier):
    await both_stages(tier)
    number = (await issued(tier))["data"]["certificate_number"]
    base = f"http://127.0.0.1:{tier.svc.http_port}/certificates"
    assert (await get(f"{base}/{number}"))[0] == 401
    assert (await get(f"{base}/{number}", "wrong"))[0] == 401
    status, body = await get(f"{base}/{number}.pdf", TOKEN)
    assert status == 200 and body.startswith(b"%PDF-")
    text = pdf_text(body)
    for expected in (NAME, "Planning Together for Children", "12 November 2026", "20 November 2026", number):
        assert expected in text
    fake = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert (await get(f"{base}/{fake}", TOKEN))[0] == 404


@DIRECT
@SERVED
async def test_anyone_can_check_whether_a_certificate_number_is_genuine(tier):
    await both_stages(tier)
    number = (await issued(tier))["data"]["certificate_number"]
    base = f"http://127.0.0.1:{tier.svc.http_port}/certificates/check"
    assert await call("GET", f"{base}/{number}") == (200, {"genuine": True})
    assert await call("GET", f"{base}/{number.lower()}") == (200, {"genuine": True})
    fake = number[:-1] + ("0" if number[-1] != "0" else "1")
    for wrong in (fake, "PTFC-0000-0000-0000-0000", "not-a-number"):
        assert await call("GET", f"{base}/{wrong}") == (200, {"genuine": False})
