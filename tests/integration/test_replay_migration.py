"""Migrating cases in flight: a cohort's history, back-dated 60-100 days, replayed against the system
clock between `replay begin` and `replay end`, ends exactly as live traffic would have: the same
reports to FCAs and courts, certificates and emails, and no report about a parent twice.

Four services in-process on the real broker, database and SMTP server; every timer of the cohort is
long overdue when its referral is accepted. Without the hold, each day-42 check fires before the
facts behind it are read; without programme order, a late workshop or withdrawal undoes a report.
"""
from __future__ import annotations

import json
from collections import Counter
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.learning import MODULES
from ptfc import replay
from services.learning.app import SPEC as LEARNING
from services.notifications.app import SPEC as NOTIFICATIONS
from services.referral.app import SPEC as REFERRAL
from services.reporting import ops
from services.workshops.app import SPEC as WORKSHOPS
from tests.support.builders import referral, uid
from tests.support.kafka import TopicReader, envelope, eventually
from tests.support.services import running

WS = T.partner_workshops("lot-north")
TRAINER = {"trainer_id": "T-replay", "name": "Terry Trainer", "email": "trainer@partner.example"}


def kind(subject: str) -> str:
    s = subject.lower()
    for word, name in (("invitation", "invitation"), ("reminder", "reminder"), ("is booked", "booked"),
                       ("finish the online course", "workshop_reminder"), ("book another", "rebook"),
                       ("certificate", "certificate"), ("not completed", "not_completed"), ("completed", "completed")):
        if word in s:
            return name
    return subject


class Cohort:
    """Each parent's history as partner events (topic, envelope), and the emails live traffic sent."""

    def __init__(self, now: datetime) -> None:
        self.now, self.events, self.expected, self.req, self.starts = now, [], Counter(), {}, {}

    def parent(self, key: str, days_ago: int):
        req = referral()
        req["fca"]["email"], req["court_email"] = f"fca-{key}@cafcass.example", f"court-{key}@justice.example"
        day0 = (self.now - timedelta(days=days_ago)).replace(hour=9, minute=0, second=0, microsecond=0)
        self.req[key] = req
        self.send(key, T.PARTNER_REFERRALS, R.REQUESTED, req, day0 + timedelta(hours=1))
        return req, day0

    def send(self, key: str, topic: str, type_: str, data: dict, at: datetime, source: str = "/partners/cafcass"):
        self.events.append((topic, envelope(type_, data, subject=self.req[key]["case_number"], source=source, time=at)))

    def hub(self, key: str, type_: str, at: datetime, **data) -> None:
        self.send(key, T.PARTNER_LEARNING, type_, {"person_id": self.req[key]["parent"]["person_id"], **data}, at,
                  "/partners/parent-hub")

    def elearning(self, key: str, at: datetime) -> None:
        for i, module in enumerate(MODULES):
            self.hub(key, L.MODULE_COMPLETED, at + timedelta(minutes=i), module=module)

    def workshop(self, key: str, booked: datetime, start: datetime, attended: bool | None) -> None:
        session, person = uid("S"), self.req[key]["parent"]["person_id"]
        self.starts[key] = start
        self.send(key, WS, W.SESSION_SCHEDULED, {"session_id": session, "mode": "online",
                  "parts": [{"starts_at": start.isoformat(), "minutes": 150}],
                  "join_url": "https://meet.example/ptfc", "trainer": TRAINER}, booked - timedelta(hours=1), "/partners/lot-north")
        self.send(key, WS, W.BOOKING_REQUESTED, {"person_id": person, "session_id": session}, booked, "/partners/lot-north")
        if attended is not None:
            self.send(key, WS, W.ATTENDANCE_RECORDED, {"session_id": session, "attendance": [
                {"person_id": person, "attended": attended}]}, start + timedelta(hours=3), "/partners/lot-north")

    def expect(self, key: str, parent: list[str], fca_and_court: list[str]) -> None:
        req = self.req[key]
        self.expected.update((req["parent"]["email"], k) for k in parent)
        self.expected.update((to, k) for to in (req["fca"]["email"], req["court_email"]) for k in fca_and_court)


def cohort(now: datetime) -> Cohort:
    c = Cohort(now)
    _, d0 = c.parent("done", 90)  # e-learning on day 2, workshop on day 20: completed
    c.hub("done", L.ACCOUNT_ACTIVATED, d0 + timedelta(days=1))
    c.elearning("done", d0 + timedelta(days=2))
    c.workshop("done", d0 + timedelta(days=4), d0 + timedelta(days=20, hours=1), attended=True)
    c.expect("done", ["invitation", "booked", "certificate"], ["completed"])
    c.parent("never", 70)  # nothing at all: two reminders with a new link, reported at day 42
    c.expect("never", ["invitation", "reminder", "reminder"], ["not_completed"])
    _, d0 = c.parent("left", 80)  # withdrawn on day 5: no reminder, no report
    c.send("left", T.PARTNER_REFERRALS, R.WITHDRAWN, {"referral_id": c.req["left"]["referral_id"],
           "reason": "case closed"}, d0 + timedelta(days=5))
    c.expect("left", ["invitation"], [])
    _, d0 = c.parent("late", 100)  # e-learning on day 10 (after the day-7 reminder), workshop on day 50
    c.hub("late", L.ACCOUNT_ACTIVATED, d0 + timedelta(days=1))
    c.elearning("late", d0 + timedelta(days=10))
    c.workshop("late", d0 + timedelta(days=45), d0 + timedelta(days=50, hours=1), attended=True)
    # Reported at day 42 (the e-learning done, the workshop not); the later certificate reports nothing.
    c.expect("late", ["invitation", "reminder", "booked", "certificate"], ["not_completed"])
    _, d0 = c.parent("quit", 60)  # nothing, then withdrawn on day 50: the day-42 report stands
    c.send("quit", T.PARTNER_REFERRALS, R.WITHDRAWN, {"referral_id": c.req["quit"]["referral_id"],
           "reason": "case closed"}, d0 + timedelta(days=50))
    c.expect("quit", ["invitation", "reminder", "reminder"], ["not_completed"])
    _, d0 = c.parent("unready", 95)  # booked on day 3 for day 10, never did the e-learning
    c.workshop("unready", d0 + timedelta(days=3), d0 + timedelta(days=10, hours=1), attended=True)
    c.expect("unready", ["invitation", "reminder", "reminder", "booked", "workshop_reminder", "rebook"],
             ["not_completed"])
    c.events.sort(key=lambda e: e[1]["time"])  # the history in the order it happened
    return c


async def test_a_replayed_cohort_ends_as_live_traffic_would(settings, producer, smtp_sink):
    s = settings.model_copy(update={"park_max_seconds": 120.0})
    c = cohort(datetime.now(timezone.utc))
    said: list[str] = []
    async with AsyncExitStack() as stack:
        svcs = [await stack.enter_async_context(running(spec, s, **kw)) for spec, kw in (
            (REFERRAL, {}), (LEARNING, {}), (WORKSHOPS, {"lot": "lot-north"}), (NOTIFICATIONS, {"smtp_port": smtp_sink.port}))]
        where = [replay.Target(svc.instance, svc.dsn, bool(svc.spec.timers)) for svc in svcs]

        async def lags() -> dict[str, int | None]:
            got = await ops.consumer_lags(s.kafka_bootstrap_servers, s.topic_namespace, "-")
            return {lag.instance: lag.lag for lag in got if lag.instance in {svc.instance for svc in svcs}}

        facts = {t: await stack.enter_async_context(_reading(s, t)) for t in (T.REFERRAL_EVENTS, T.LEARNING_EVENTS,
                                                                            T.WORKSHOPS_EVENTS)}
        await replay.begin(s, where, say=said.append, every=0.2)
        for wave in waves(c.events):  # as the README tells Cafcass to send history: in waves
            for topic, env in wave:
                await producer.send(svcs[0].topic(topic), json.dumps(env).encode(), key=env["subject"].encode())
            await producer.flush()
            await replay.wait(where, lags, say=said.append, every=0.3, timeout=120)
        await replay.end(s, where, lags, say=said.append, every=0.3, timeout=120)
        assert "  holding: all" in said and said[-2].endswith("(caught up)")

        def received() -> Counter:
            return Counter((m["To"].addresses[0].addr_spec, kind(m["Subject"])) for m in smtp_sink.messages)
        try:
            await eventually(lambda: received() >= c.expected, timeout=60, what="the emails live traffic sent")
        except AssertionError:
            raise AssertionError(f"missing {c.expected - received()}, extra {received() - c.expected}") from None
        await _settled(svcs, where, lags)
        assert received() == c.expected  # nothing more: no report about anyone twice, nothing early

        by = {k: r["parent"]["person_id"] for k, r in c.req.items()}
        events = {}
        for topic, reader in facts.items():
            await reader.read_to_end()
            events[topic] = [e for e in reader.events() if e["data"].get("person_id") in by.values()]

        def who(topic: str, type_: str) -> list[str]:
            return sorted(k for e in events[topic] if e["type"] == type_ for k, p in by.items() if p == e["data"]["person_id"])
        assert who(T.REFERRAL_EVENTS, R.COMPLETED) == ["done"]
        assert who(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED) == ["late", "never", "quit", "unready"]
        assert who(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED) == ["left"]  # day 50's came after the report
        assert who(T.LEARNING_EVENTS, L.CERTIFICATE_ISSUED) == ["done", "late"]
        [late] = [e["data"] for e in events[T.REFERRAL_EVENTS] if e["type"] == R.NON_COMPLETION_REPORTED
                  and e["data"]["person_id"] == by["late"]]
        assert (late["elearning_completed"], late["workshop_attended"]) == (True, False)  # as of day 42
        released = [e for e in events[T.WORKSHOPS_EVENTS] if e["type"] == W.BOOKING_RELEASED]
        # At the session's start, before the attendance record was judged, and once.
        assert [(e["data"]["reason"], datetime.fromisoformat(e["time"])) for e in released] == [
            ("elearning_incomplete", c.starts["unready"])]
        assert who(T.WORKSHOPS_EVENTS, W.ATTENDANCE_REFUSED) == ["unready"]


def waves(events: list[tuple[str, dict]]) -> list[list[tuple[str, dict]]]:
    """History cut where a case moves to another topic (what it did on one topic, say its
    e-learning, is read before what it did next on another, its workshop). Cases are independent,
    so wave n holds every case's n-th stretch on one topic, each wave in time order."""
    stretches: dict[str, list[list]] = {}
    for topic, env in events:
        mine = stretches.setdefault(env["subject"], [])
        if not mine or mine[-1][-1][0] != topic:
            mine.append([])
        mine[-1].append((topic, env))
    n = max(len(v) for v in stretches.values())
    return [sorted((e for v in stretches.values() if len(v) > i for e in v[i]), key=lambda e: e[1]["time"])
            for i in range(n)]


async def _settled(svcs, where, lags) -> None:
    """Caught up twice running, no timer left due, no email left to send."""
    async def quiet() -> bool:
        due = [await svc.pool.fetchval("SELECT count(*) FROM timers WHERE fired_at IS NULL AND due_at <= now()")
               for svc in svcs]
        pending = await svcs[-1].pool.fetchval("SELECT count(*) FROM notifications WHERE status IN ('pending', 'sending')")
        return not any(due) and not pending and (await replay.look(where, lags)).clean()
    await eventually(quiet, timeout=60, what="the system to settle")
    await eventually(quiet, timeout=60, what="the system to stay settled")


class _reading:
    def __init__(self, s, topic: str) -> None:
        self.reader = TopicReader(s.kafka_bootstrap_servers, f"{s.topic_namespace}.{topic}")

    async def __aenter__(self) -> TopicReader:
        return await self.reader.start()

    async def __aexit__(self, *exc) -> None:
        await self.reader.stop()
