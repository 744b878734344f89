"""The demo's cases, as partner messages in phases: pure data, no I/O.

Back-dated so that what a live programme does over weeks happens at once: reminders already due,
certificates 24 hours after a workshop that ended days ago, a day-42 report already due. Each phase
is sent only once the facts the next one builds on were published (a partner, too, records
attendance only after the e-learning is done), so the outcome is the one live traffic would have.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import get_args

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.learning import MODULES
from contracts.plan import PlanArea

CAFCASS, HUB, PLANS, PARTNER = "/partners/cafcass", "/partners/parent-hub", "/partners/parent-hub/plans", "/partners/lot-north"
LOT, AREA = "lot-north", "A1"


@dataclass
class Phase:
    title: str
    messages: list[tuple[str, dict]] = field(default_factory=list)  # (topic, envelope)
    waits_for: list[tuple[str, str, str]] = field(default_factory=list)  # (topic, event type, person or case)


@dataclass(frozen=True)
class Parent:
    key: str  # a, b, c, d
    person_id: str
    case: str
    given: str
    family: str
    route: str
    day0: datetime


def parents(run: str, now: datetime) -> list[Parent]:
    """Two co-parents who complete within a week (so no reminder falls due: live traffic would
    have cancelled them), a parent who never starts and is reported at day 42, and a parent who
    has not set up an account by day 7 (a reminder with a fresh link). Days start at 09:00 UTC."""
    case_ab, case_c, case_d = f"DEMO-{run}-AB", f"DEMO-{run}-C", f"DEMO-{run}-D"
    day = lambda ago: (now - timedelta(days=ago)).replace(hour=9, minute=0, second=0, microsecond=0)  # noqa: E731
    return [Parent("a", f"P-{run}-a", case_ab, "Alex", "Rivers", "court_order", day(5)),
            Parent("b", f"P-{run}-b", case_ab, "Sam", "Rivers", "fca_recommendation", day(5)),
            Parent("c", f"P-{run}-c", case_c, "Jordan", "Lake", "fca_recommendation", day(45)),
            Parent("d", f"P-{run}-d", case_d, "Casey", "Brook", "court_order", day(10))]


def _env(run: str, n: int, source: str, type_: str, subject: str, at: datetime, data: dict) -> dict:
    return {"specversion": "1.0", "id": f"demo-{run}-{n}", "source": source, "type": type_,
            "time": at.isoformat(), "subject": subject, "datacontenttype": "application/json", "data": data}


def _referral(p: Parent, co: list[str], email_domain: str) -> dict:
    return {"referral_id": f"R-{p.person_id}", "case_number": p.case, "route": p.route, "programme": "ptfc",
            "cafcass_area": AREA, "court": "Leeds Family Court", "ordered_on": (p.day0 - timedelta(days=3)).date().isoformat(),
            "parent": {"person_id": p.person_id, "given_name": p.given, "family_name": p.family,
                       "email": f"{p.given.lower()}.{p.key}@{email_domain}", "needs": {"in_person": False}},
            "co_parent_person_ids": co, "fca": {"name": "Fay Adviser", "email": f"fca@{email_domain}"},
            "court_email": f"court@{email_domain}", "plan_suitable": True}


def phases(run: str, now: datetime, email_domain: str = "demo.example") -> list[Phase]:
    a, b, c, d = parents(run, now)
    n = iter(range(1, 10_000))
    send = lambda topic, source, type_, p, at, data: (topic, _env(run, next(n), source, type_, p.case, at, data))  # noqa: E731
    ws = T.partner_workshops(LOT)
    referrals = Phase("referrals from Cafcass", [
        send(T.PARTNER_REFERRALS, CAFCASS, R.REQUESTED, p, p.day0 + timedelta(hours=1),
             _referral(p, [o.person_id for o in (a, b) if o.case == p.case and o is not p], email_domain))
        for p in (a, b, c, d)], [(T.REFERRAL_EVENTS, R.ACCEPTED, p.person_id) for p in (a, b, c, d)])
    learning = Phase("e-learning in the Parent Hub", [], [(T.LEARNING_EVENTS, L.ELEARNING_COMPLETED, p.person_id)
                                                          for p in (a, b)])
    for p in (a, b):
        start = p.day0 + timedelta(hours=10)
        learning.messages.append(send(T.PARTNER_LEARNING, HUB, L.ACCOUNT_ACTIVATED, p, start, {"person_id": p.person_id}))
        learning.messages += [send(T.PARTNER_LEARNING, HUB, L.MODULE_COMPLETED, p, start + timedelta(minutes=12 * (i + 1)),
                                   {"person_id": p.person_id, "module": m}) for i, m in enumerate(MODULES)]
    sessions = {a.key: (f"S-{run}-1", a.day0 + timedelta(days=2, hours=1)),
                b.key: (f"S-{run}-2", b.day0 + timedelta(days=3, hours=1))}  # co-parents never together
    booking = Phase("workshops: sessions and bookings from the delivery partner", [],
                    [(T.WORKSHOPS_EVENTS, W.BOOKING_CONFIRMED, p.person_id) for p in (a, b)])
    for p in (a, b):
        sid, starts = sessions[p.key]
        booking.messages.append(send(ws, PARTNER, W.SESSION_SCHEDULED, p, p.day0 + timedelta(days=1), {
            "session_id": sid, "parts": [{"starts_at": starts.isoformat(), "minutes": 150}], "mode": "online",
            "join_url": f"https://meet.{email_domain}/{sid}",
            "trainer": {"trainer_id": "T-demo", "name": "Terry Trainer", "email": f"trainer@{email_domain}"}}))
        booking.messages.append(send(ws, PARTNER, W.BOOKING_REQUESTED, p, p.day0 + timedelta(days=1, hours=2),
                                     {"person_id": p.person_id, "session_id": sid}))
    after = Phase("attendance, feedback and a parenting plan", [],
                  [(T.REFERRAL_EVENTS, R.COMPLETED, p.person_id) for p in (a, b)]
                  + [(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED, c.person_id), (T.PLANS_EVENTS, P.PLAN_COMPLETED, a.case)])
    for p in (a, b):
        sid, starts = sessions[p.key]
        ended = starts + timedelta(minutes=150)
        after.messages.append(send(ws, PARTNER, W.ATTENDANCE_RECORDED, p, ended + timedelta(minutes=20), {
            "session_id": sid, "attendance": [{"person_id": p.person_id, "attended": True}]}))
        after.messages.append(send(T.PARTNER_LEARNING, HUB, L.SURVEY_SUBMITTED, p, ended + timedelta(hours=1), {
            "person_id": p.person_id, "survey": "workshop-feedback",
            "answers": {"clearer_understanding": True, "child_at_centre": True, "satisfaction": 5}}))
    areas = list(get_args(PlanArea))
    plan_day = b.day0 + timedelta(days=4)
    after.messages += [
        send(T.PARTNER_PLANS, PLANS, P.VIEWED, a, plan_day, {"person_id": a.person_id}),
        send(T.PARTNER_PLANS, PLANS, P.OPENED, a, plan_day + timedelta(minutes=5), {"person_id": a.person_id}),
        send(T.PARTNER_PLANS, PLANS, P.PROPOSAL_SUBMITTED, a, plan_day + timedelta(minutes=30), {
            "person_id": a.person_id, "proposals": [{"area": x, "terms": f"Our arrangement for {x.replace('_', ' ')}."}
                                                     for x in areas]}),
        send(T.PARTNER_PLANS, PLANS, P.RESPONSE_SUBMITTED, b, plan_day + timedelta(days=1), {
            "person_id": b.person_id, "responses": [{"area": x, "decision": "agree"} for x in areas]}),
    ]
    return [referrals, learning, booking, after]
