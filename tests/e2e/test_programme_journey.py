"""One parent's whole programme, every service a separate process: referral to certificate.

Partner events in (Cafcass, the Parent Hub, the lot's delivery partner); emails and partner
events out. Time moves by the timers' file clock, never by waiting.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from contracts import cppp as C
from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.learning import MODULES
from tests.support.builders import referral, uid
from tests.support.http import call
from tests.support.kafka import TopicReader, envelope, eventually, publish

HUB, PARTNER = "/partners/parent-hub", "/partners/lot-north"


def mails(system, to: str, word: str) -> list:
    return [m for m in system.sink.messages
            if m["To"].addresses[0].addr_spec == to and word.lower() in m["Subject"].lower()]


async def test_a_parent_goes_from_referral_to_certificate_and_the_fca_and_court_are_told(system, producer, infra):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    req = referral(ordered_on=now.date().isoformat())
    case, person, parent_email = req["case_number"], req["parent"]["person_id"], req["parent"]["email"]
    facts = {name: await TopicReader(infra.kafka, system.topic(name)).start()
             for name in (T.REFERRAL_EVENTS, T.LEARNING_EVENTS, T.WORKSHOPS_EVENTS)}

    async def send(topic, type_, data, source, at):
        await publish(producer, system.topic(topic), envelope(type_, data, subject=case, source=source, time=at), case)

    def of(name: str, type_: str):
        return lambda es: [e for e in es if e["type"] == type_ and e["subject"] == case]

    await send(T.PARTNER_REFERRALS, R.REQUESTED, req, "/partners/cafcass", now)
    await eventually(lambda: mails(system, parent_email, "invitation"), timeout=60, what="invitation")

    # The Parent Hub: account, the nine modules (out of order, one twice).
    await send(T.PARTNER_LEARNING, L.ACCOUNT_ACTIVATED, {"person_id": person}, HUB, now + timedelta(hours=1))
    for i, module in enumerate(["m3", *MODULES, "m3"]):
        await send(T.PARTNER_LEARNING, L.MODULE_COMPLETED, {"person_id": person, "module": module}, HUB,
                   now + timedelta(hours=2, minutes=i))
    [done] = await facts[T.LEARNING_EVENTS].wait_for(of("learning", L.ELEARNING_COMPLETED), what="e-learning")
    assert done["data"]["within_target"] is True

    # The delivery partner: a session in three days, and the parent's booking for it.
    start = (now + timedelta(days=3)).replace(hour=10, minute=0, second=0)
    session = uid("S")
    await send(T.partner_workshops("lot-north"), W.SESSION_SCHEDULED, {
        "session_id": session, "parts": [{"starts_at": start.isoformat(), "minutes": 150}], "mode": "online",
        "join_url": "https://meet.example/ptfc", "trainer": {"trainer_id": "T1", "name": "Terry Trainer",
                                                            "email": "trainer@partner.example"}},
        PARTNER, now + timedelta(hours=3))
    await send(T.partner_workshops("lot-north"), W.BOOKING_REQUESTED, {"person_id": person, "session_id": session},
               PARTNER, now + timedelta(hours=4))
    [booked] = await facts[T.WORKSHOPS_EVENTS].wait_for(of("workshops", W.BOOKING_CONFIRMED), what="booking")
    # elearning_complete may still be False here: the e-learning fact comes on another topic, so
    # workshops can read the booking first. Attendance below re-checks it when it is recorded.
    assert booked["data"]["session_id"] == session
    [confirmation] = await eventually(lambda: mails(system, parent_email, "workshop"), what="booking email")
    [ics] = [a for a in confirmation.iter_attachments() if a.get_content_type() == "text/calendar"]
    assert "BEGIN:VEVENT" in ics.get_content() and "https://meet.example/ptfc" in confirmation.as_string()

    # The workshop happens; the trainer records attendance.
    recorded_at = start + timedelta(hours=3)
    await send(T.partner_workshops("lot-north"), W.ATTENDANCE_RECORDED, {
        "session_id": session, "attendance": [{"person_id": person, "attended": True}]}, PARTNER, recorded_at)
    await facts[T.WORKSHOPS_EVENTS].wait_for(of("workshops", W.PARENT_ATTENDED), what="attendance")

    # No certificate before 24 hours have passed since the workshop ended (its 150 minutes)...
    ended = start + timedelta(minutes=150)
    system.set_clock(ended + timedelta(hours=23, minutes=59))
    await asyncio.sleep(3)  # timers tick every 0.5 s: room for a wrong early certificate
    await facts[T.LEARNING_EVENTS].poll()
    assert not of("learning", L.CERTIFICATE_ISSUED)(facts[T.LEARNING_EVENTS].events())
    # ...then exactly one.
    system.set_clock(ended + timedelta(hours=24, minutes=1))
    [cert] = await facts[T.LEARNING_EVENTS].wait_for(of("learning", L.CERTIFICATE_ISSUED), timeout=30,
                                                      what="certificate")
    number = cert["data"]["certificate_number"]
    # Dated by its timer: exactly 24 hours after the workshop ended (not after the record, which
    # came 30 minutes later), never earlier: an early certificate would carry an earlier time.
    assert datetime.fromisoformat(cert["data"]["issued_at"]) == ended + timedelta(hours=24)
    [completed] = await facts[T.REFERRAL_EVENTS].wait_for(of("referral", R.COMPLETED), timeout=30, what="completed")
    assert completed["data"]["certificate_number"] == number
    assert completed["data"]["workshop_attended_on"] == start.date().isoformat()
    [certificate_email] = await eventually(lambda: mails(system, parent_email, "certificate"), what="certificate email")
    assert [a.get_filename() for a in certificate_email.iter_attachments()][0].endswith(".pdf")
    for to in (req["fca"]["email"], req["court_email"]):
        await eventually(lambda: mails(system, to, "completed"), what=f"completion email to {to}")
    status, body = await call("GET", f"http://127.0.0.1:{system.port('learning')}/certificates/check/{number}")
    assert (status, body) == (200, {"genuine": True})
    for reader in facts.values():
        await reader.stop()


async def test_two_parents_volunteer_for_cppp_and_the_court_and_guardian_get_each_report(system, producer, infra):
    """CPPP is its own programme: two consenting parents, four sessions each with one joint, a report
    per parent to the court and the Guardian (Rule 16.4), and no PTfC email to either parent."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    case, a, b = uid("C"), uid("P"), uid("P")
    court, guardian = f"court-{case.lower()}@justice.example", f"guardian-{case.lower()}@cafcass.example"
    reqs = {p: referral(case=case, person=p, programme="cppp", co_parent_person_ids=[other], court_email=court,
                        cppp={"proceedings": "rule_16_4", "consent": True,
                              "guardian": {"name": "Gail Guardian", "email": guardian}})
            for p, other in ((a, b), (b, a))}
    reqs[a]["parent"].update(given_name="Alex", family_name="Morgan")
    reqs[b]["parent"].update(given_name="Jo", family_name="Taylor")
    facts = {name: await TopicReader(infra.kafka, system.topic(name)).start()
             for name in (T.REFERRAL_EVENTS, T.LEARNING_EVENTS)}

    async def send(type_, data, at):
        await publish(producer, system.topic(T.PARTNER_REFERRALS),
                      envelope(type_, data, subject=case, source="/partners/cafcass", time=at), case)

    for i, p in enumerate((a, b)):
        await send(R.REQUESTED, reqs[p], now + timedelta(minutes=i))
    for p in (a, b):  # the programme starts once both have consented: each parent is told
        await eventually(lambda: mails(system, reqs[p]["parent"]["email"], "can begin"), timeout=60, what="start email")

    # Cafcass records the sessions: one joint, then three each alone.
    today = now.date()
    sessions = [([a, b], True, 1)] + [([p], False, d) for d in (8, 15, 22) for p in (a, b)]
    for i, (attended, joint, day) in enumerate(sessions):
        await send(C.SESSION_RECORDED, {"case_number": case, "session_id": f"{case}-S{i}",
                                        "held_on": (today + timedelta(days=day)).isoformat(),
                                        "attended_person_ids": attended, "joint": joint},
                   now + timedelta(days=day, hours=i + 1))  # recorded once held, on its day or after
    done = await facts[T.REFERRAL_EVENTS].wait_for(
        lambda es: len(m := [e for e in es if e["type"] == R.COMPLETED and e["subject"] == case]) == 2 and m,
        timeout=60, what="both completed")
    assert {(e["data"]["person_id"], e["data"]["programme"], e["data"]["cppp"]["sessions_attended"],
             e["data"]["cppp"]["joint_sessions"]) for e in done} == {(a, "cppp", 4, 1), (b, "cppp", 4, 1)}

    for to in (court, guardian):  # one report per parent, about that parent alone
        reports = await eventually(lambda: len(m := mails(system, to, "completed")) == 2 and m, what=f"reports to {to}")
        for r in reports:
            body = r.get_body(("plain",)).get_content()
            assert "Positive co-Parenting Programme" in body and "volunteered" in body
            assert "Sessions attended: 4" in body and "(joint session)" in body
            assert ("Alex Morgan" in body) != ("Jo Taylor" in body)  # never the other parent's details
    for p in (a, b):
        subjects = [m["Subject"] for m in system.sink.messages if m["To"].addresses[0].addr_spec == reqs[p]["parent"]["email"]]
        # Only CPPP's own emails (thanks, start): no invitation, reminder, workshop or certificate.
        assert subjects and all("can begin" in s or "Thank you for volunteering" in s for s in subjects), subjects
    await facts[T.LEARNING_EVENTS].read_to_end()  # no Parent Hub invitation, reminder or certificate
    assert not [e for e in facts[T.LEARNING_EVENTS].events() if e["data"].get("person_id") in (a, b)]
    for reader in facts.values():
        await reader.stop()
