"""E-learning progress, surveys, reminders, reissue and certificates, against the real broker and
database, with the timers' clock moved by hand (days pass in milliseconds)."""
from __future__ import annotations

import asyncio
import base64
import io
import random
import time
import urllib.error
import urllib.request
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from pypdf import PdfReader

from contracts import learning as L
from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from ptfc.kit.clock import ManualClock
from services.learning import cli
from services.learning.app import SPEC as LEARNING
from services.learning.handlers import NAMES_TOPIC
from tests.support.builders import uid
from tests.support.http import call
from tests.support.kafka import TopicReader, envelope, eventually, publish
from tests.support.services import running

UTC = timezone.utc
T0 = datetime(2026, 11, 2, 15, tzinfo=UTC)  # accepted on the day of the order (day 0)
DAY7, DAY12 = datetime(2026, 11, 9, 9, tzinfo=UTC), datetime(2026, 11, 14, 9, tzinfo=UTC)
HUB, REFERRAL_SRC = "/partners/parent-hub", "/ptfc/referral"


class Parent:
    def __init__(self) -> None:
        self.person, self.case, self.referral = uid("P"), uid("C"), uid("R")

    def accepted(self) -> dict:
        return {"referral_id": self.referral, "case_number": self.case, "person_id": self.person,
                "programme": "ptfc", "route": "court_order", "lot": "lot-north", "cafcass_area": "A1",
                "ordered_on": "2026-11-02", "referred_on": "2026-11-02",
                "elearning_due_on": "2026-11-16", "workshop_due_on": "2026-12-07",
                "completion_due_on": "2026-12-14", "co_parent_person_ids": [], "plan_suitable": True}


class Hub:
    """Publishes as the partners and services upstream of learning would."""

    def __init__(self, producer, svc) -> None:
        self.producer, self.svc = producer, svc

    async def send(self, topic: str, type: str, data: dict, p: Parent, at: datetime, source: str = HUB) -> None:
        await publish(self.producer, self.svc.topic(topic),
                      envelope(type, data, subject=p.case, source=source, time=at), p.case)

    async def accept(self, p: Parent, at: datetime = T0) -> None:
        await self.send(T.REFERRAL_EVENTS, R.ACCEPTED, p.accepted(), p, at, REFERRAL_SRC)

    async def module(self, p: Parent, module: str, at: datetime) -> None:
        await self.send(T.PARTNER_LEARNING, L.MODULE_COMPLETED, {"person_id": p.person, "module": module}, p, at)

    async def survey(self, p: Parent, survey: str, answers: dict, at: datetime) -> None:
        await self.send(T.PARTNER_LEARNING, L.SURVEY_SUBMITTED,
                        {"person_id": p.person, "survey": survey, "answers": answers}, p, at)

    async def attended(self, p: Parent, recorded_at: datetime) -> None:
        await self.send(T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED, {
            "person_id": p.person, "session_id": "S-1", "lot": "lot-north",
            "attended_on": recorded_at.date().isoformat(), "recorded_at": recorded_at.isoformat()},
            p, recorded_at, "/ptfc/workshops.lot-north")


async def caught_up(svc, *readers: TopicReader, timeout: float = 20.0) -> None:
    """Everything the service has committed is published and read: a negative check can be trusted."""
    await eventually(lambda: svc.pool.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL"),
                     timeout, "outbox sent")
    deadline = time.monotonic() + timeout
    for reader in readers:
        tps = list(reader.consumer.assignment())
        ends = await reader.consumer.end_offsets(tps)
        while any([await reader.consumer.position(tp) < ends[tp] for tp in tps]):
            assert time.monotonic() < deadline, f"could not read {reader.topic} to its end"
            await reader.poll()


def of(events: list[dict], type: str, person: str | None = None, template: str | None = None) -> list[dict]:
    return [e for e in events if e["type"] == type and (person is None or e["data"].get("person_id", e["data"].get(
        "contact_id")) == person) and (template is None or e["data"].get("template") == template)]


@asynccontextmanager
async def readers(svc):
    """Learning events, email requests and dead letters, each read from the beginning."""
    boot = svc.settings.kafka_bootstrap_servers
    out = [await TopicReader(boot, svc.topic(t)).start()
           for t in (T.LEARNING_EVENTS, T.NOTIFICATIONS_REQUESTS, T.DEADLETTER)]
    try:
        yield out
    finally:
        for r in out:
            await r.stop()


def reasons(dead: TopicReader) -> list[str]:
    return [dict(r.headers)["ptfc-reason"].decode() for r in dead.records]


async def ensure_names_topic(settings) -> None:
    # Until contracts/topics.py lists ptfc.learning.names, ensure_topics does not create it.
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(T.namespaced(settings.topic_namespace, NAMES_TOPIC), 2, 1)])
    except TopicAlreadyExistsError:
        pass
    finally:
        await admin.close()


async def test_progress_reminders_reissue_and_surveys(settings, producer):
    clock = ManualClock(T0)
    a, b, gone, stranger = Parent(), Parent(), Parent(), Parent()
    async with running(LEARNING, settings, clock=clock) as svc, readers(svc) as (events, requests, dead):
        hub = Hub(producer, svc)
        for p in (a, b, gone):
            await hub.accept(p)
        await hub.send(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED, {
            "referral_id": gone.referral, "case_number": gone.case, "person_id": gone.person,
            "lot": "lot-north"}, gone, T0 + timedelta(hours=1), REFERRAL_SRC)
        # Referral facts and Parent Hub events travel on different topics: let the referral side land.
        await eventually(lambda: svc.pool.fetchval(
            "SELECT count(*) = 3 FROM parents WHERE person_id = ANY($1) AND (status = 'active') = "
            "(person_id <> $2)", [a.person, b.person, gone.person], gone.person), what="acceptances")
        await hub.send(T.PARTNER_LEARNING, L.ACCOUNT_ACTIVATED, {"person_id": a.person}, a, T0 + timedelta(hours=2))
        for module in ("welcome", "m1", "m1"):
            await hub.module(a, module, T0 + timedelta(days=1))
        await hub.module(gone, "welcome", T0 + timedelta(days=1))
        await hub.module(stranger, "welcome", T0 + timedelta(days=1))
        await dead.wait_for(lambda _: len(dead.records) >= 2, what="two refusals")
        assert sorted(reasons(dead)) == ["no accepted referral for this person_id",
                                         "the referral for this person_id was withdrawn"]
        await eventually(lambda: svc.pool.fetchval(
            "SELECT count(*) = 2 FROM module_completions WHERE referral_id = $1", a.referral), what="a's modules")

        # Day 7: both incomplete parents are reminded; b never activated, so b's carries a new link.
        clock.set(DAY7)
        day7 = await requests.wait_for(lambda es: len(of(es, N.REQUESTED, template="learning_reminder")) >= 2
                                       and of(es, N.REQUESTED, template="learning_reminder"), what="day-7 reminders")
        by_person = {e["data"]["contact_id"]: e["data"]["context"] for e in day7}
        assert set(by_person) == {a.person, b.person}  # not the withdrawn parent
        assert (by_person[a.person]["modules_done"], by_person[a.person]["day"]) == (2, 7)
        assert "activation_link" not in by_person[a.person]
        assert "/activate?token=" in by_person[b.person]["activation_link"]
        assert by_person[b.person]["elearning_due_on"] == "16 November 2026"

        # a finishes in random order with repeats on day 6 of the programme: completed once, on target.
        rest = list(L.MODULES) * 2
        random.shuffle(rest)
        for module in rest:
            await hub.module(a, module, T0 + timedelta(days=6))
        done = await events.wait_for(lambda es: of(es, L.ELEARNING_COMPLETED), what="elearning completed")
        assert (done[0]["data"]["person_id"], done[0]["data"]["within_target"]) == (a.person, True)
        assert datetime.fromisoformat(done[0]["data"]["completed_at"]) == T0 + timedelta(days=6)
        await hub.module(a, "m4", T0 + timedelta(days=7))  # after completion: changes nothing

        # Day 12: only b is still incomplete.
        clock.set(DAY12)
        await requests.wait_for(lambda es: len(of(es, N.REQUESTED, b.person, "learning_reminder")) >= 2,
                                what="b's day-12 reminder")

        # Surveys: the latest workshop feedback per parent counts; bad answers are refused.
        fb = "workshop-feedback"
        await hub.survey(a, fb, {"clearer_understanding": True, "child_at_centre": True, "satisfaction": 5},
                         T0 + timedelta(days=20))
        await hub.survey(a, "progress", {"comment": "helpful"}, T0 + timedelta(days=20))
        await hub.survey(a, fb, {"clearer_understanding": False, "child_at_centre": True, "satisfaction": 4},
                         T0 + timedelta(days=21))
        await hub.survey(b, fb, {"clearer_understanding": True, "child_at_centre": False, "satisfaction": 2},
                         T0 + timedelta(days=21))
        await hub.survey(b, fb, {"clearer_understanding": "yes", "satisfaction": 9}, T0 + timedelta(days=22))
        await dead.wait_for(lambda _: len(dead.records) >= 3, what="refused feedback")
        assert reasons(dead)[2].startswith("workshop-feedback: answers.clearer_understanding must be")
        await eventually(lambda: svc.pool.fetchval(
            "SELECT count(*) = 3 FROM survey_answers JOIN progress USING (referral_id) "
            "WHERE person_id = ANY($1)", [a.person, b.person]), what="surveys stored")
        status, report = await call("GET", f"http://127.0.0.1:{svc.http_port}/reports/satisfaction")
        assert status == 200 and report["responses"] == 2
        assert report["clearer_understanding"] == {"count": 1, "percent": 50.0}
        assert report["child_at_centre"] == {"count": 1, "percent": 50.0}
        assert report["high_satisfaction"] == {"count": 1, "percent": 50.0}
        assert a.person not in str(report) and b.person not in str(report)
        # What the KPI report counts: the three answers of each accepted feedback, nothing else.
        recorded = await events.wait_for(lambda es: len(of(es, L.FEEDBACK_RECORDED)) >= 3 and of(es, L.FEEDBACK_RECORDED),
                                         what="feedback facts")
        assert sorted((e["data"]["person_id"], e["data"]["satisfaction"]) for e in recorded) == sorted(
            [(a.person, 5), (a.person, 4), (b.person, 2)])
        assert all(set(e["data"]) == {"person_id", "submitted_at", "clearer_understanding", "child_at_centre",
                                      "satisfaction"} for e in recorded)

        # Reissue: by the operator's command for b; refused for a, whose account is active.
        await cli.reissue(svc.settings, b.person)
        with pytest.raises(LookupError):
            await cli.reissue(svc.settings, a.person)
        await hub.send(T.PARTNER_LEARNING, L.INVITATION_REISSUE_REQUESTED, {"person_id": a.person}, a, DAY12)
        await requests.wait_for(lambda es: of(es, N.REQUESTED, b.person, "learning_invitation_reissued"),
                                what="reissued invitation")
        await dead.wait_for(lambda _: len(dead.records) >= 4, what="refused reissue")
        assert "already activated" in reasons(dead)[3]

        await caught_up(svc, events, requests)
        all_events, all_requests = events.events(), requests.events()
        assert len(of(all_events, L.ELEARNING_COMPLETED)) == 1
        assert len(of(all_requests, N.REQUESTED, a.person, "learning_reminder")) == 1  # day 7 only
        assert len(of(all_requests, N.REQUESTED, b.person, "learning_reminder")) == 2  # day 7 and 12, once each
        assert not of(all_requests, N.REQUESTED, gone.person, "learning_reminder")
        sent_b = [e["data"]["reissue"] for e in of(all_events, L.INVITATION_SENT, b.person)]
        assert sent_b == [False, True, True, True]  # invitation, day 7, day 12, the operator's
        for e in all_events:  # no names, contacts or answers on the learning events topic
            assert "@" not in str(e["data"]) and "helpful" not in str(e)


async def get(url: str, token: str | None = None) -> tuple[int, bytes]:
    """GET with an optional bearer token (tests.support.http sends no headers of our choosing)."""
    def fetch() -> tuple[int, bytes]:
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
    return await asyncio.to_thread(fetch)


def pdf_text(document: bytes) -> str:
    return PdfReader(io.BytesIO(document), strict=True).pages[0].extract_text()


async def test_one_certificate_only_after_both_stages_served_and_checkable(settings, producer):
    s = settings.model_copy(update={"certificate_api_token": "s3cret-" + uid("t")})
    await ensure_names_topic(s)
    clock = ManualClock(T0)
    a, b = Parent(), Parent()  # a does both stages; b attends but never finishes the e-learning
    recorded = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
    async with running(LEARNING, s, clock=clock) as svc, readers(svc) as (events, _, _):
        hub = Hub(producer, svc)
        for p, name in ((a, "Zoë O'Brien (Alex)"), (b, "Sam Other")):
            await hub.accept(p)
            await hub.send(NAMES_TOPIC, L.CERTIFICATE_NAME_RECORDED, {"person_id": p.person, "display_name": name},
                           p, T0, REFERRAL_SRC)
        await eventually(lambda: svc.pool.fetchval(
            "SELECT count(*) = 2 FROM parents JOIN certificate_names USING (person_id) WHERE person_id = ANY($1)",
            [a.person, b.person]), what="acceptances and names")
        for module in L.MODULES:
            await hub.module(a, module, datetime(2026, 11, 12, 10, tzinfo=UTC))
        await hub.module(b, "welcome", datetime(2026, 11, 12, 10, tzinfo=UTC))
        await events.wait_for(lambda es: of(es, L.ELEARNING_COMPLETED, a.person), what="a's e-learning")
        for p in (a, b):
            await hub.attended(p, recorded)
        due = await eventually(lambda: svc.pool.fetchval(
            "SELECT due_at FROM timers WHERE kind = 'certificate' AND key = $1", a.referral), what="scheduled")
        assert due == recorded + timedelta(hours=24)
        await eventually(lambda: svc.pool.fetchval(
            "SELECT attended_on IS NOT NULL FROM progress WHERE referral_id = $1", b.referral), what="b attended")
        assert not await svc.pool.fetchval("SELECT count(*) FROM timers WHERE key = $1", b.referral)
        # A minute early: the loop fires what is due in due_at order, so once b's day-12 reminder
        # (due earlier) has fired, a certificate due by now would have fired with it.
        clock.set(recorded + timedelta(hours=23, minutes=59))
        await eventually(lambda: svc.pool.fetchval(
            "SELECT fired_at IS NOT NULL FROM timers WHERE kind = 'reminder' AND key = $1",
            f"{b.referral}:day12"), what="b's day-12 reminder fired")
        assert await svc.pool.fetchval("SELECT fired_at IS NULL FROM timers WHERE kind = 'certificate'")
        assert not await svc.pool.fetchval("SELECT count(*) FROM certificates")

    # A restart between scheduling and issuing: the timer is in the database, not in memory.
    clock.set(recorded + timedelta(hours=24))
    async with running(LEARNING, s, clock=clock) as svc, readers(svc) as (events, requests, _):
        hub = Hub(producer, svc)
        issued = (await events.wait_for(lambda es: of(es, L.CERTIFICATE_ISSUED), what="certificate"))[0]
        await hub.attended(a, recorded + timedelta(hours=1))  # a repeat (another id) issues nothing new
        clock.set(recorded + timedelta(days=3))
        await eventually(lambda: svc.pool.fetchval(
            "SELECT count(*) = 3 FROM inbox WHERE type = $1", W.PARENT_ATTENDED), what="repeat handled")
        await caught_up(svc, events, requests)
        assert len(of(events.events(), L.CERTIFICATE_ISSUED)) == 1 and issued["subject"] == a.case
        data = issued["data"]
        number = data["certificate_number"]
        assert (data["person_id"], data["elearning_completed_on"], data["workshop_attended_on"]) == (
            a.person, "2026-11-12", "2026-11-20")
        assert datetime.fromisoformat(data["issued_at"]) == recorded + timedelta(hours=24)
        assert await svc.pool.fetchval("SELECT certificate_number FROM certificates") == number
        email = of(requests.events(), N.REQUESTED, a.person, "learning_certificate")
        assert len(email) == 1 and email[0]["data"]["context"]["certificate_number"] == number
        (attachment,) = email[0]["data"]["attachments"]
        assert "Zoë O'Brien (Alex)" in pdf_text(base64.b64decode(attachment["content_base64"]))

        base = f"http://127.0.0.1:{svc.http_port}/certificates"
        assert (await get(f"{base}/{number}"))[0] == 401
        assert (await get(f"{base}/{number}", "wrong"))[0] == 401
        status, body = await get(f"{base}/{number}.pdf", s.certificate_api_token)
        assert status == 200 and body.startswith(b"%PDF-")
        text = pdf_text(body)
        for expected in ("Zoë O'Brien (Alex)", "Planning Together for Children", "12 November 2026",
                         "20 November 2026", number):
            assert expected in text
        fake = number[:-1] + ("0" if number[-1] != "0" else "1")
        assert (await get(f"{base}/{fake}", s.certificate_api_token))[0] == 404
        assert await call("GET", f"{base}/check/{number}") == (200, {"genuine": True})
        assert await call("GET", f"{base}/check/{number.lower()}") == (200, {"genuine": True})
        for wrong in (fake, "PTFC-0000-0000-0000-0000", "not-a-number"):
            assert await call("GET", f"{base}/check/{wrong}") == (200, {"genuine": False})
