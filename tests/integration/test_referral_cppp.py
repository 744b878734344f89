"""CPPP on the referral service: both parents consent, sessions in, then completion, a lapse at
the end of the window, or a withdrawal; and who is told. One service for the module (its start
costs more than the scenarios): each test moves the shared clock on to a fresh window of its own."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest_asyncio
from aiokafka import AIOKafkaProducer

from contracts import cppp as C
from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from ptfc.kit.clock import ManualClock
from ptfc.kit.settings import Settings
from ptfc.kit.timers import TimerLoop
from ptfc.kit.topic_admin import ensure_topics
from services.referral.app import SPEC as REFERRAL
from tests.support.builders import referral, uid
from tests.support.kafka import TopicReader, envelope, publish
from tests.support.services import running

GUARDIAN = {"name": "Gail Guardian", "email": "gail@cafcass.example"}


@dataclass
class Env:
    svc: object
    clock: ManualClock
    producer: AIOKafkaProducer
    out: TopicReader
    requests: TopicReader
    dead: TopicReader

    def fresh_window(self) -> datetime:
        """A Monday 09:00 (UTC) well after every earlier test's window: the clock only moves on."""
        at = self.clock.now() + timedelta(days=120)
        at -= timedelta(days=at.weekday())
        self.clock.set(at.replace(hour=9, minute=0, second=0, microsecond=0))
        return self.clock.now()

    async def send(self, type_: str, data: dict, case: str, at: datetime) -> None:
        await publish(self.producer, self.svc.topic(T.PARTNER_REFERRALS), envelope(type_, data, subject=case, time=at), case)

    async def refer(self, case: str, person: str, co_parent: str, proceedings: str, at: datetime) -> dict:
        block = {"proceedings": proceedings, "consent": True, **({"guardian": GUARDIAN} if proceedings == "rule_16_4" else {})}
        req = referral(case=case, person=person, programme="cppp", co_parent_person_ids=[co_parent], cppp=block)
        await self.send(R.REQUESTED, req, case, at)
        return req

    async def session(self, case: str, held_on: date, attended: list[str], joint: bool, at: datetime) -> None:
        await self.send(C.SESSION_RECORDED, {"case_number": case, "session_id": uid("S"), "held_on": held_on.isoformat(),
                                             "attended_person_ids": attended, "joint": joint}, case, at)

    async def outcomes(self, type_: str, persons: set[str]) -> dict[str, dict]:
        es = await self.out.wait_for(lambda es: len({e["data"]["person_id"] for e in es if e["type"] == type_
                                                     and e["data"]["person_id"] in persons}) == len(persons) and es,
                                     what=f"{type_} for {len(persons)}")
        return {e["data"]["person_id"]: e for e in es if e["type"] == type_ and e["data"]["person_id"] in persons}

    async def emails(self, case: str, template: str, n: int) -> list[dict]:
        return await self.requests.wait_for(lambda es: (m := [e["data"] for e in es if e["type"] == N.REQUESTED
                                                              and e["subject"] == case and e["data"]["template"] == template])
                                            and len(m) >= n and m, what=f"{n} {template}")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def env(infra):
    s = Settings(kafka_bootstrap_servers=infra.kafka, database_url=infra.database_url,
                 topic_namespace="t" + uuid.uuid4().hex[:10], kafka_topic_partitions=2, retry_base_seconds=0.05,
                 retry_max_seconds=1.0, park_max_seconds=1.0, log_level="WARNING")
    await ensure_topics(s, ["lot-north", "lot-east"])
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka)
    await producer.start()
    clock = ManualClock(datetime(2027, 1, 4, 9, tzinfo=timezone.utc))
    async with running(REFERRAL, s, clock=clock) as svc:
        readers = [await TopicReader(infra.kafka, svc.topic(t)).start()
                   for t in (T.REFERRAL_EVENTS, T.NOTIFICATIONS_REQUESTS, T.DEADLETTER)]
        yield Env(svc, clock, producer, *readers)
        for r in readers:
            await r.stop()
    await producer.stop()


async def test_both_parents_consent_and_four_sessions_with_one_joint_complete_it_for_each(env):
    t0, case, a, b = env.fresh_window(), uid("C"), uid("P"), uid("P")
    ra = await env.refer(case, a, b, "rule_16_4", t0)
    await env.emails(case, "cppp_waiting", 1)  # one parent's consent does not start it
    rb = await env.refer(case, b, a, "rule_16_4", t0 + timedelta(hours=1))
    started = await env.emails(case, "cppp_started", 2)
    assert {m["contact_id"] for m in started} == {a, b}
    day = t0.date()
    await env.session(case, day + timedelta(days=7), [a, b], True, t0 + timedelta(days=7))
    for week in (2, 3, 4):
        await env.session(case, day + timedelta(weeks=week), [a], False, t0 + timedelta(weeks=week))
        await env.session(case, day + timedelta(weeks=week, days=1), [b], False, t0 + timedelta(weeks=week, days=1))

    done = await env.outcomes(R.COMPLETED, {a, b})
    for person in (a, b):
        d = done[person]["data"]
        assert d["programme"] == "cppp" and not {"certificate_number", "elearning_completed_on"} & d.keys()
        assert (d["cppp"]["sessions_attended"], d["cppp"]["joint_sessions"], d["cppp"]["shortfall"]) == (4, 1, [])
    reports = await env.emails(case, "cppp_completed", 4)
    assert sorted(m["contact_id"] for m in reports) == sorted(
        f"{who}:{r['referral_id']}" for r in (ra, rb) for who in ("court", "guardian"))  # never the FCA (16.4)
    about_a = [m["context"] for m in reports if m["context"]["about"] == a][0]
    assert about_a["sessions"][0].endswith("(joint session)") and len(about_a["sessions"]) == 4
    # Each programme its own clock: no PTfC day-42 timer, and the lapse timers are gone.
    assert await env.svc.pool.fetchval("SELECT count(*) FROM timers WHERE key = ANY($1) AND fired_at IS NULL "
                                       "AND kind IN ('cppp-lapse', 'non-completion-check')",
                                       [ra["referral_id"], rb["referral_id"]]) == 0


async def test_a_lapse_at_the_end_of_the_window_reports_what_each_parent_did(env):
    t0, case, a, b = env.fresh_window(), uid("C"), uid("P"), uid("P")
    ra = await env.refer(case, a, b, "section_7", t0)
    await env.refer(case, b, a, "section_7", t0)
    await env.emails(case, "cppp_started", 2)
    await env.session(case, t0.date() + timedelta(days=7), [a, b], True, t0 + timedelta(days=7))
    await env.session(case, t0.date() + timedelta(days=14), [a], False, t0 + timedelta(days=14))
    # Held within the window but recorded after it ended: judged as of the due time, it does not count.
    await env.session(case, t0.date() + timedelta(days=80), [b], False, t0 + timedelta(weeks=12, days=2))

    env.clock.set(t0 + timedelta(weeks=12, days=1))  # day 0 + 12 weeks has ended (t0 is 09:00 UTC)
    lapsed = await env.outcomes(R.NON_COMPLETION_REPORTED, {a, b})
    d = lapsed[a]["data"]
    assert (d["programme"], d["elearning_completed"], d["workshop_attended"]) == ("cppp", False, False)
    assert (d["cppp"]["sessions_attended"], d["cppp"]["joint_sessions"], d["cppp"]["shortfall"]) == (2, 1, ["too_few_sessions"])
    assert d["reported_on"] == (t0.date() + timedelta(weeks=12, days=1)).isoformat()
    assert lapsed[b]["data"]["cppp"]["sessions_attended"] == 1
    reports = await env.emails(case, "cppp_not_completed", 4)
    assert {m["contact_id"] for m in reports if m["context"]["about"] == a} == {
        f"fca:{ra['referral_id']}", f"court:{ra['referral_id']}"}  # Section 7: the FCA, no Guardian


async def test_a_case_where_the_other_parent_never_consents_is_reported_at_the_end_of_the_window(env):
    t0, case, a = env.fresh_window(), uid("C"), uid("P")
    ra = await env.refer(case, a, uid("P"), "rule_16_4", t0)
    await env.emails(case, "cppp_waiting", 1)
    await env.session(case, t0.date() + timedelta(days=7), [a], False, t0 + timedelta(days=7))
    await env.dead.wait_for(lambda es: any(dict(r.headers).get("ptfc-reason", b"").startswith(b"the case's CPPP has not")
                                           for r in env.dead.records), what="the early session refused")

    env.clock.set(t0 + timedelta(weeks=12, days=1))
    d = (await env.outcomes(R.NON_COMPLETION_REPORTED, {a}))[a]["data"]
    assert d["cppp"]["shortfall"] == ["not_started", "too_few_sessions", "no_joint_session"]
    assert d["cppp"]["started"] is False and d["cppp"]["sessions_attended"] == 0
    reports = await env.emails(case, "cppp_not_completed", 2)
    assert {m["contact_id"] for m in reports} == {f"guardian:{ra['referral_id']}", f"court:{ra['referral_id']}"}


async def test_a_withdrawal_stops_that_parents_programme_and_the_other_can_still_complete(env):
    t0, case, a, b = env.fresh_window(), uid("C"), uid("P"), uid("P")
    ra = await env.refer(case, a, b, "section_7", t0)
    await env.refer(case, b, a, "section_7", t0)
    await env.emails(case, "cppp_started", 2)
    await env.session(case, t0.date() + timedelta(days=7), [a, b], True, t0 + timedelta(days=7))
    await env.send(R.WITHDRAWN, {"referral_id": ra["referral_id"], "reason": "moved away"}, case, t0 + timedelta(days=8))
    await env.out.wait_for(lambda es: [e for e in es if e["type"] == R.WITHDRAWAL_ACCEPTED and e["subject"] == case],
                           what="withdrawal accepted")
    for n in (2, 3, 4):
        await env.session(case, t0.date() + timedelta(weeks=n), [b], False, t0 + timedelta(weeks=n))
    assert (await env.outcomes(R.COMPLETED, {b}))[b]["data"]["cppp"]["joint_sessions"] == 1

    env.clock.set(t0 + timedelta(weeks=12, days=1))
    await TimerLoop(env.svc, REFERRAL.timers).fire_due()  # whatever is due has fired (or is firing)
    assert await env.svc.pool.fetchval("SELECT count(*) FROM timers WHERE key = $1 AND kind = 'cppp-lapse'",
                                       ra["referral_id"]) == 0  # cancelled: it can never report
    await env.out.read_to_end()
    assert not [e for e in env.out.events()
                if e["type"] in (R.COMPLETED, R.NON_COMPLETION_REPORTED) and e["data"]["person_id"] == a]
