"""Completion, non-completion after day 42, and safeguarding: what the FCA and court are told.

The referral service's rules, one per scenario, run on PostgreSQL alone (tests/support/tiers.py):
they end in the notification requests it emits. What the FCA and court then read is the
notifications service's rendering of those requests, sent by SMTP: the last test runs both services
on the broker with a real SMTP server (the direct tier runs one service and sends no email), and
so is also this module's run of the referral service's outcomes on the broker."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from ptfc.kit.clock import ManualClock
from services.notifications.app import SPEC as NOTIFICATIONS
from services.referral.app import SPEC as REFERRAL
from tests.support.builders import referral, uid
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.services import running
from tests.support.tiers import DIRECT, Subject

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)  # day 0: the referral is made
LAST_MINUTE = datetime(2026, 12, 15, 23, 59, tzinfo=timezone.utc)  # of day 42
DAY_43 = datetime(2026, 12, 16, 0, 0, 1, tzinfo=timezone.utc)
CERTIFICATE = "PTFC-AAAA-BBBB-CCCC-DDDD"


@pytest.fixture
def subject() -> Subject:
    return Subject(REFERRAL, at=T0)


async def referred(tier, **over) -> dict:
    """An accepted referral made at T0 (the order, 2 November, is a day earlier)."""
    req = referral(**over)
    await tier.send(T.PARTNER_REFERRALS, envelope(R.REQUESTED, req, subject=req["case_number"], time=T0))
    return req


async def fact(tier, req: dict, type_: str, topic: str, **data) -> None:
    await tier.send(topic, envelope(type_, {"person_id": req["parent"]["person_id"], **data},
                                    subject=req["case_number"], time=T0, source="/ptfc/test"))


async def elearning(tier, req: dict) -> None:
    await fact(tier, req, L.ELEARNING_COMPLETED, T.LEARNING_EVENTS, completed_at="2026-11-10T10:00:00+00:00",
               within_target=True)


async def completed(tier, req: dict) -> None:
    """Both stages done and the certificate issued."""
    await elearning(tier, req)
    await fact(tier, req, W.PARENT_ATTENDED, T.WORKSHOPS_EVENTS, session_id="S1", lot="lot-north",
               attended_on="2026-11-20", recorded_at="2026-11-20T18:00:00+00:00")
    await fact(tier, req, L.CERTIFICATE_ISSUED, T.LEARNING_EVENTS, certificate_number=CERTIFICATE,
               issued_at="2026-11-21T18:00:00+00:00", elearning_completed_on="2026-11-10",
               workshop_attended_on="2026-11-20")


async def concern(tier, req: dict) -> None:
    await fact(tier, req, W.SAFEGUARDING_CONCERN_RECORDED, T.WORKSHOPS_EVENTS, lot="lot-north")


def told(emails: list[dict], req: dict) -> list[str]:
    return sorted(m["contact_id"].split(":")[0] for m in emails if m["contact_id"].endswith(req["referral_id"]))


@DIRECT
async def test_an_acceptance_records_the_parents_name_for_their_certificate(tier):
    req = referral()
    req["parent"].update(given_name="Robin", family_name="Late")
    await tier.send(T.PARTNER_REFERRALS, envelope(R.REQUESTED, req, subject=req["case_number"], time=T0))
    (name,) = await tier.events(T.LEARNING_NAMES, L.CERTIFICATE_NAME_RECORDED)
    assert (name["data"]["person_id"], name["data"]["display_name"]) == (req["parent"]["person_id"], "Robin Late")


@DIRECT
async def test_a_certificate_completes_the_referral_with_both_stages_dates(tier):
    req = await referred(tier)
    await completed(tier, req)
    (done,) = await tier.events(T.REFERRAL_EVENTS, R.COMPLETED)
    d = done["data"]
    assert (d["referral_id"], d["person_id"], d["certificate_number"]) == (
        req["referral_id"], req["parent"]["person_id"], CERTIFICATE)
    assert (d["elearning_completed_on"], d["workshop_attended_on"]) == ("2026-11-10", "2026-11-20")
    assert await tier.svc.pool.fetchval("SELECT status FROM referrals WHERE referral_id = $1",
                                        req["referral_id"]) == "completed"


@DIRECT
async def test_a_completion_is_reported_to_the_fca_and_the_court(tier):
    req = await referred(tier)
    await completed(tier, req)
    emails = await tier.emails("referral_completed")
    assert told(emails, req) == ["court", "fca"]
    context = emails[0]["context"]
    assert (context["about"], context["certificate_number"]) == (req["parent"]["person_id"], CERTIFICATE)
    assert (context["elearning_completed_on"], context["workshop_attended_on"]) == ("10 November 2026",
                                                                                    "20 November 2026")


@DIRECT
async def test_a_concern_is_reported_to_the_fca_alone_with_no_detail(tier):
    req = await referred(tier)
    await concern(tier, req)
    (email,) = await tier.emails("referral_safeguarding_concern")
    assert email["contact_id"] == f"fca:{req['referral_id']}"  # not the court, not a parent
    assert email["context"] == {"case_number": req["case_number"], "about": req["parent"]["person_id"]}


@DIRECT
async def test_nothing_is_reported_before_day_42_counted_from_the_referral_has_ended(tier):
    req = await referred(tier)  # ordered on 2 November, made on 3 November (v1.1: day 0)
    await elearning(tier, req)
    await tier.at(LAST_MINUTE)
    assert not await tier.events(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED)
    assert not await tier.emails("referral_non_completion")


@DIRECT
async def test_a_parent_with_a_stage_missing_after_day_42_is_reported_with_what_they_did(tier):
    req = await referred(tier)
    await elearning(tier, req)
    await concern(tier, req)  # a concern neither completes nor stops the programme
    await tier.at(DAY_43)
    (reported,) = await tier.events(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED)
    d = reported["data"]
    assert (d["referral_id"], d["elearning_completed"], d["workshop_attended"]) == (req["referral_id"], True, False)
    assert d["reported_on"] == "2026-12-16" and reported["time"].startswith("2026-12-16T00:00")


@DIRECT
async def test_a_completed_parent_is_never_reported_as_not_completed(tier):
    req = await referred(tier)
    await completed(tier, req)
    await tier.at(DAY_43)
    assert not await tier.events(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED)
    assert not await tier.emails("referral_non_completion")


@DIRECT
async def test_a_non_completion_is_reported_to_the_fca_and_the_court(tier):
    req = await referred(tier)
    await elearning(tier, req)
    await tier.at(DAY_43)
    emails = await tier.emails("referral_non_completion")
    assert told(emails, req) == ["court", "fca"]
    assert (emails[0]["context"]["elearning_completed"], emails[0]["context"]["workshop_attended"]) == (True, False)


def mail(sink, to: str, subject_part: str) -> list:
    return [m for m in sink.messages if m["To"].addresses[0].addr_spec == to and subject_part in m["Subject"]]


async def test_the_fca_and_court_read_each_outcome_by_email_naming_the_parent(settings, producer, smtp_sink):
    """Two services and a real SMTP server: the referral service's requests as notifications renders them."""
    clock = ManualClock(T0)
    case = uid("C")
    done, late = referral(case=case), referral(case=case)
    late["parent"].update(given_name="Robin", family_name="Late")
    late["fca"]["email"] = "fca-two@cafcass.example"
    late["court_email"] = "court-two@justice.example"
    async with running(REFERRAL, settings, clock=clock) as ref, \
            running(NOTIFICATIONS, settings, smtp_port=smtp_sink.port):
        out = await TopicReader(settings.kafka_bootstrap_servers, ref.topic(T.REFERRAL_EVENTS)).start()
        for r in (done, late):
            await publish(producer, ref.topic(T.PARTNER_REFERRALS), envelope(R.REQUESTED, r, subject=case, time=T0), case)
        # The facts come on other topics, in no order with the referrals: one read first would wait
        # only PARK_MAX_SECONDS (1 s in tests) for its acceptance, then be dead-lettered.
        await out.wait_for(lambda es: len(es) >= 2, what="two acceptances")

        def fact_(type_, data, topic):
            return publish(producer, ref.topic(topic), envelope(type_, data, subject=case, time=T0,
                                                                source="/ptfc/test"), case)
        p_done, p_late = done["parent"]["person_id"], late["parent"]["person_id"]
        await fact_(L.ELEARNING_COMPLETED, {"person_id": p_done, "completed_at": "2026-11-10T10:00:00+00:00",
                                            "within_target": True}, T.LEARNING_EVENTS)
        await fact_(W.PARENT_ATTENDED, {"person_id": p_done, "session_id": "S1", "lot": "lot-north",
                                        "attended_on": "2026-11-20", "recorded_at": "2026-11-20T18:00:00+00:00"},
                    T.WORKSHOPS_EVENTS)
        await fact_(L.CERTIFICATE_ISSUED, {"person_id": p_done, "certificate_number": CERTIFICATE,
                                           "issued_at": "2026-11-21T18:00:00+00:00",
                                           "elearning_completed_on": "2026-11-10",
                                           "workshop_attended_on": "2026-11-20"}, T.LEARNING_EVENTS)
        await fact_(L.ELEARNING_COMPLETED, {"person_id": p_late, "completed_at": "2026-11-12T10:00:00+00:00",
                                            "within_target": True}, T.LEARNING_EVENTS)
        await fact_(W.SAFEGUARDING_CONCERN_RECORDED, {"person_id": p_late, "lot": "lot-north"}, T.WORKSHOPS_EVENTS)

        await eventually(lambda: mail(smtp_sink, "fca@cafcass.example", "completed")
                         and mail(smtp_sink, "court@justice.example", "completed"), what="completion emails")
        body = mail(smtp_sink, "court@justice.example", "completed")[0].get_body(("plain",)).get_content()
        assert "Alex Example" in body and CERTIFICATE in body and "10 November 2026" in body
        concern_ = await eventually(lambda: mail(smtp_sink, "fca-two@cafcass.example", "safeguarding"), what="concern")
        assert "Robin Late" in concern_[0].as_string()
        assert not mail(smtp_sink, done["parent"]["email"], "safeguarding")

        clock.set(DAY_43)
        await out.wait_for(lambda es: [e for e in es if e["type"] == R.NON_COMPLETION_REPORTED], timeout=20)
        [email] = await eventually(lambda: mail(smtp_sink, "fca-two@cafcass.example", "not completed"), what="report")
        assert "not attended" in email.get_body(("plain",)).get_content()
        # The court hears of the non-completion (so it is a working recipient), never of the concern.
        await eventually(lambda: mail(smtp_sink, "court-two@justice.example", "not completed"), what="court report")
        assert not mail(smtp_sink, "court-two@justice.example", "safeguarding")
        await out.stop()
