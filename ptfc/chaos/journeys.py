"""Whole journeys as the partners would send them, step by step: pure data and rules, no I/O.

Each journey moves only on a fact the system published (a partner, too, books a parent only once
the e-learning is done), so the outcome is the one live traffic would have. Back-dated as the demo
is: what takes weeks is due at once (certificates 24 hours after a workshop that ended days ago,
the day-42 report of a parent who never started). Message ids are fixed per step, so a partner's
retry after a broker outage is a repeat the services drop, never a second fact.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.learning import MODULES

CAFCASS, HUB = "/partners/cafcass", "/partners/parent-hub"
AREAS = {"lot-north": "A1", "lot-east": "A10"}  # a mapped Cafcass area per lot (the default table)
SEATS = 6  # a session's capacity (the contract's maximum)
LAPSE_EVERY = 10  # one referral in ten never starts and is reported at day 42
OUTCOME = {"complete": R.COMPLETED, "lapse": R.NON_COMPLETION_REPORTED}


@dataclass
class Journey:
    n: int
    kind: str  # "complete" or "lapse"
    lot: str
    run: str
    day0: datetime
    step: str = "referred"  # referred -> learning -> learned -> booked -> attended -> done
    seat: int | None = None  # the index of the lot's session booked
    outcome: str | None = None  # the type of the outcome fact seen
    anomalies: list[str] = field(default_factory=list)

    @property
    def person(self) -> str:
        return f"P-{self.run}-{self.n}"

    @property
    def case(self) -> str:
        return f"CHAOS-{self.run}-{self.n}"

    def envelope(self, k: int, source: str, type_: str, at: datetime, data: dict) -> dict:
        return envelope(f"chaos-{self.run}-{self.n}-{k}", source, type_, at, self.case, data)


def envelope(id_: str, source: str, type_: str, at: datetime, subject: str, data: dict) -> dict:
    return {"specversion": "1.0", "id": id_, "source": source, "type": type_, "time": at.isoformat(),
            "subject": subject, "datacontenttype": "application/json", "data": data}


def journeys(run: str, n: int, lots: list[str], now: datetime) -> list[Journey]:
    """`n` single-parent cases spread over the lots; one in LAPSE_EVERY never starts."""
    lots = [lot for lot in lots if lot in AREAS] or ["lot-north"]
    day = lambda ago: (now - timedelta(days=ago)).replace(hour=9, minute=0, second=0, microsecond=0)  # noqa: E731
    kinds = ["lapse" if i % LAPSE_EVERY == LAPSE_EVERY - 1 else "complete" for i in range(n)]
    return [Journey(i, k, lots[i % len(lots)], run, day(45 if k == "lapse" else 5)) for i, k in enumerate(kinds)]


def referral(j: Journey) -> tuple[str, dict]:
    fca = j.n // 25  # an adviser has many cases: their contact is recorded again and again
    data = {"referral_id": f"R-{j.run}-{j.n}", "case_number": j.case, "route": "court_order", "programme": "ptfc",
            "cafcass_area": AREAS.get(j.lot, "A1"), "court": "Leeds Family Court",
            "ordered_on": (j.day0 - timedelta(days=3)).date().isoformat(),
            "parent": {"person_id": j.person, "given_name": "Alex", "family_name": "Chaos",
                       "email": f"{j.person.lower()}@parents.example", "needs": {"in_person": False}},
            "co_parent_person_ids": [], "fca": {"name": "Fay Adviser", "email": f"fca-{j.run}-{fca}@cafcass.example"},
            "court_email": f"court-{j.run}@justice.example", "plan_suitable": True}
    return T.PARTNER_REFERRALS, j.envelope(0, CAFCASS, R.REQUESTED, j.day0 + timedelta(hours=1), data)


def learning(j: Journey) -> list[tuple[str, dict]]:
    start = j.day0 + timedelta(hours=10)
    out = [(T.PARTNER_LEARNING, j.envelope(1, HUB, L.ACCOUNT_ACTIVATED, start, {"person_id": j.person}))]
    out += [(T.PARTNER_LEARNING, j.envelope(2 + i, HUB, L.MODULE_COMPLETED, start + timedelta(minutes=12 * (i + 1)),
                                            {"person_id": j.person, "module": m})) for i, m in enumerate(MODULES)]
    return out


def session_start(day0: datetime, k: int) -> datetime:
    """Two days after day 0, staggered so that no trainer is in two places at once."""
    return day0 + timedelta(days=2, hours=1, minutes=10 * (k % 48))


def sessions(run: str, lot: str, count: int, day0: datetime) -> list[tuple[str, dict]]:
    """The lot's sessions, scheduled before any booking (SEATS places each)."""
    out = []
    for k in range(count):
        sid = session_id(run, lot, k)
        data = {"session_id": sid, "parts": [{"starts_at": session_start(day0, k).isoformat(), "minutes": 150}],
                "mode": "online", "join_url": f"https://meet.example/{sid}", "capacity": SEATS,
                "trainer": {"trainer_id": f"T-{run}-{lot}-{k}", "name": "Terry Trainer",
                            "email": f"trainer-{run}-{k}@partner.example"}}
        out.append((T.partner_workshops(lot), envelope(f"chaos-{run}-{sid}", f"/partners/{lot}", W.SESSION_SCHEDULED,
                                                       day0 + timedelta(days=1), sid, data)))
    return out


def session_id(run: str, lot: str, k: int) -> str:
    return f"S-{run}-{lot}-{k}"


def sessions_needed(js: list[Journey], lot: str) -> int:
    return math.ceil(sum(1 for j in js if j.lot == lot and j.kind == "complete") / SEATS)


def booking(j: Journey, k: int) -> tuple[str, dict]:
    j.seat, j.step = k, "booked"
    return T.partner_workshops(j.lot), j.envelope(20, f"/partners/{j.lot}", W.BOOKING_REQUESTED,
                                                  j.day0 + timedelta(days=1, hours=2),
                                                  {"person_id": j.person, "session_id": session_id(j.run, j.lot, k)})


def after_workshop(j: Journey) -> list[tuple[str, dict]]:  # once booked (j.seat)
    ended = session_start(j.day0, j.seat) + timedelta(minutes=150)
    return [(T.partner_workshops(j.lot), j.envelope(21, f"/partners/{j.lot}", W.ATTENDANCE_RECORDED,
                                                    ended + timedelta(minutes=20), {
                                                        "session_id": session_id(j.run, j.lot, j.seat),
                                                        "attendance": [{"person_id": j.person, "attended": True}]})),
            (T.PARTNER_LEARNING, j.envelope(22, HUB, L.SURVEY_SUBMITTED, ended + timedelta(hours=1), {
                "person_id": j.person, "survey": "workshop-feedback",
                "answers": {"clearer_understanding": True, "child_at_centre": True, "satisfaction": 5}}))]


# Facts that must never reach a journey of this run: each is recorded as an anomaly.
ANOMALIES = {R.REJECTED, W.BOOKING_RELEASED, W.BOOKING_REFUSED, W.ATTENDANCE_REFUSED, W.PARENT_ABSENT}


def react(j: Journey, type_: str) -> list[tuple[str, dict]]:
    """The partners' next messages once the system published `type_` about this parent. Copies of
    a fact (a relay's redelivery) and facts out of step change nothing."""
    if type_ in ANOMALIES:
        j.anomalies.append(type_)
    elif type_ == R.ACCEPTED and j.step == "referred":
        if j.kind == "lapse":
            j.step = "waiting"
            return []
        j.step = "learning"
        return learning(j)
    elif type_ == L.ELEARNING_COMPLETED and j.step == "learning":
        j.step = "learned"  # the driver books once the lot's workshops service has it too
    elif type_ == W.BOOKING_CONFIRMED and j.step == "booked":
        j.step = "attended"
        return after_workshop(j)
    elif type_ in (R.COMPLETED, R.NON_COMPLETION_REPORTED) and j.outcome is None:
        j.outcome, j.step = type_, "done"
    return []
