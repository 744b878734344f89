"""The e-learning rule, attendance, follow-up calls and safeguarding concerns, on timers driven by
a manual clock (programme time), against the real broker and database."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from contracts import workshop as W
from ptfc.kit.clock import ManualClock
from services.workshops.app import SPEC
from tests.support.workshops import T0, TRAINER, Partner, Readers, drain
from tests.support.builders import uid
from tests.support.kafka import eventually
from tests.support.services import running

DAY = timedelta(days=1)
START = T0 + 3 * DAY  # Friday 4 December 2026, 09:00 UTC, one 150-minute part
DUE = START + timedelta(minutes=150) + 42 * DAY  # follow-up calls: 42 days after the workshop ends


async def test_elearning_rule_attendance_follow_ups_and_concerns(settings, producer):
    lot, clock = Partner(producer, settings), ManualClock(T0)
    done, late, never, away, co, stranger = (uid("P") for _ in range(6))
    case = {p: uid("C") for p in (done, late, never, away, stranger)}
    case[co] = case[done]
    session = uid("S")
    trainer = f"trainer:{TRAINER['trainer_id']}"
    async with running(SPEC, settings, clock=clock, lot="lot-north") as svc, \
            Readers(settings.kafka_bootstrap_servers, settings.topic_namespace) as out:
        for p in case:
            await lot.accepted(p, case[p], co=(done,) if p == co else (co,) if p == done else ())
        for p in (done, away):
            await lot.elearning_done(p, case[p], T0 - DAY)
        await lot.schedule(session, [(START, 150)])
        await eventually(lambda: svc.pool.fetchval(
            "SELECT (SELECT count(*) FROM parents) = 6 AND (SELECT count(*) FROM sessions) = 1 "
            "AND (SELECT count(*) FROM elearning_completions) = 2"), what="parents, session, completions")
        for p in (done, late, never, away):  # booking before the e-learning is done is allowed
            await lot.book(p, case[p], session)
            confirmed = (await out.fact(W.BOOKING_CONFIRMED, p))[0]["data"]
            assert confirmed["elearning_complete"] is (p in (done, away))

        clock.set(START - timedelta(hours=48))  # the timer loop fires on its own
        for p in (late, never):
            reminder = (await out.email("workshop_elearning_reminder", p))[0]
            assert reminder["context"]["session_id"] == session
        await lot.elearning_done(late, case[late], START - DAY)
        await eventually(lambda: svc.pool.fetchval("SELECT count(*) = 3 FROM elearning_completions"))

        clock.set(START)  # at the start, a parent whose e-learning is not done loses the place
        assert (await out.fact(W.BOOKING_RELEASED, never))[0]["data"]["reason"] == "elearning_incomplete"
        assert (await out.email("workshop_rebook", never))[0]["context"]["reason"] == "elearning_incomplete"

        recorded_at = START + timedelta(hours=3)
        await lot.partner(W.ATTENDANCE_RECORDED, {"session_id": session, "attendance": [
            {"person_id": done, "attended": True, "follow_up": True},
            {"person_id": late, "attended": True, "follow_up": True},
            {"person_id": never, "attended": True}, {"person_id": away, "attended": False},
            {"person_id": stranger, "attended": True}]}, session, recorded_at)
        attended = (await out.fact(W.PARENT_ATTENDED, done))[0]["data"]
        assert attended == {"person_id": done, "session_id": session, "lot": "lot-north", "attended_on": "2026-12-04",
                            "recorded_at": recorded_at.isoformat().replace("+00:00", "Z"), "follow_up": True,
                            "ended_at": "2026-12-04T11:30:00Z"}  # START + 150 minutes: the certificate's clock
        await out.fact(W.PARENT_ATTENDED, late)
        await out.fact(W.ATTENDANCE_REFUSED, never, reason="elearning_incomplete")
        await out.fact(W.ATTENDANCE_REFUSED, stranger, reason="not_booked")
        await out.fact(W.PARENT_ABSENT, away)
        assert (await out.email("workshop_rebook", away))[0]["context"]["reason"] == "absent"
        due = (await out.fact(W.FOLLOW_UP_DUE, done))[0]["data"]
        assert datetime.fromisoformat(due["due_at"]) == DUE and due["trainer_id"] == TRAINER["trainer_id"]

        await lot.partner(W.SAFEGUARDING_CONCERN_RAISED, {"person_id": done, "trainer_id": TRAINER["trainer_id"],
                                                          "session_id": session}, case[done], recorded_at)
        concern = (await out.fact(W.SAFEGUARDING_CONCERN_RECORDED, done))[0]
        assert concern["data"] == {"person_id": done, "lot": "lot-north", "session_id": session}
        assert concern["subject"] == case[done]

        clock.set(DUE - 7 * DAY)  # the trainer is reminded a week before each call is due
        reminders = await out.email("workshop_follow_up_reminder", trainer, n=2)
        assert {r["context"]["person_id"] for r in reminders} == {done, late}
        await lot.partner(W.FOLLOW_UP_RECORDED, {"person_id": done, "outcome": "spoke"}, case[done], DUE - 3 * DAY)
        outcome = (await out.fact(W.FOLLOW_UP_OUTCOME_RECORDED, done))[0]["data"]
        assert (outcome["outcome"], outcome["late"]) == ("spoke", False)
        await lot.partner(W.FOLLOW_UP_RECORDED, {"person_id": stranger, "outcome": "spoke"}, case[stranger], DUE)
        await out.dead_letter("no follow-up call is open for this person_id")

        clock.set(DUE + timedelta(minutes=1))  # an unrecorded call is published as overdue
        await out.fact(W.FOLLOW_UP_OVERDUE, late)
        await lot.partner(W.FOLLOW_UP_RECORDED, {"person_id": late, "outcome": "unreachable"}, case[late], DUE + DAY)
        outcome = (await out.fact(W.FOLLOW_UP_OUTCOME_RECORDED, late))[0]["data"]
        assert (outcome["outcome"], outcome["late"]) == ("unreachable", True)  # recorded after it was due

        facts, emails = await drain(out.events, svc.pool), await drain(out.requests, svc.pool)
        assert [f["data"]["person_id"] for f in facts if f["type"] == W.FOLLOW_UP_OVERDUE] == [late]
        reminded = {e["data"]["contact_id"] for e in emails if e["data"].get("template") == "workshop_elearning_reminder"}
        assert reminded == {late, never}
        released = {f["data"]["person_id"] for f in facts if f["type"] == W.BOOKING_RELEASED}
        assert released == {never}  # the parent who finished in time kept the place
        assert not [e for e in emails if e["data"].get("contact_id") == co], "the other parent heard something"
        assert "safeguard" not in json.dumps([e["data"] for e in emails]).lower()
