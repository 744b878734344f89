"""Good traffic sent between the hostile messages, each with the effect that proves it was applied.

Every partner topic gets some: referrals (accepted on `ptfc.referral.events`), a parent's whole
e-learning (`elearning-completed` on `ptfc.learning.events`), a first look at the plan tool
(`plan-viewed` on `ptfc.plans.events`) and a lot's workshop session (a row in that lot's
database: scheduling publishes no fact). Parents whose later events need an accepted referral
are referred first (`warm_up`). Some good referrals are followed by a repeat of their (source, id)
with other content: the contract ignores a repeat, so none of it may take effect. Pure: no I/O.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W

AREAS = ["A1", "A10"]  # one area of lot-north and one of lot-east in the default table


@dataclass
class Send:
    topic: str                  # not namespaced
    key: bytes
    value: bytes
    partition: int | None = None


@dataclass
class Unit:
    effect: tuple               # ("accepted", referral_id) | ("elearning", person) | ("viewed", person)
    sends: list[Send]           # | ("session", lot, session_id) | ("ignored", referral_id)
    repeats: list[Send] = field(default_factory=list)  # same (source, id), other content


def event(type_: str, data: dict, subject: str, source: str, id_: str | None = None) -> bytes:
    return json.dumps({"specversion": "1.0", "id": id_ or str(uuid.uuid4()), "source": source, "type": type_,
                       "time": datetime.now(timezone.utc).isoformat(), "subject": subject,
                       "datacontenttype": "application/json", "data": data}).encode()


def referral(rid: str, person: str, case: str, area: str, id_: str | None = None) -> bytes:
    data = {"referral_id": rid, "case_number": case, "route": "court_order", "programme": "ptfc",
            "cafcass_area": area, "court": "Leeds Family Court",
            "ordered_on": datetime.now(timezone.utc).date().isoformat(),
            "parent": {"person_id": person, "given_name": "Alex", "family_name": "Corpus",
                       "email": f"{person.lower()}@parents.example", "needs": {"in_person": False}},
            "co_parent_person_ids": [], "fca": {"name": "Fay Adviser", "email": "fca@cafcass.example"},
            "plan_suitable": True}
    return event(R.REQUESTED, data, case, "/partners/cafcass", id_)


class GoodTraffic:
    def __init__(self, run: str, lots: list[str]) -> None:
        self.run, self.lots, self.n = run, lots, 0

    def _ids(self, prefix: str) -> tuple[str, str, str]:
        self.n += 1
        return f"{prefix}-{self.run}-{self.n}", f"P-{self.run}-{self.n}", f"GC-{self.run}-{self.n}"

    def accepted(self, repeat: bool = False, partition: int | None = None) -> Unit:
        rid, person, case = self._ids("RG")
        eid = f"g-{rid}"
        unit = Unit(("accepted", rid), [Send(T.PARTNER_REFERRALS, case.encode(),
                                             referral(rid, person, case, AREAS[self.n % 2], eid), partition)])
        if repeat:  # the same (source, id) with another referral in it: ignored as a repeat
            unit.repeats.append(Send(T.PARTNER_REFERRALS, case.encode(),
                                     referral(f"RD-{rid}", f"PD-{person}", case, AREAS[0], eid)))
        return unit

    def referred(self) -> tuple[Unit, str, str]:
        """A parent referred during the warm-up, for the learning and plans traffic."""
        unit = self.accepted()
        person, case = f"P-{self.run}-{self.n}", f"GC-{self.run}-{self.n}"
        return unit, person, case

    @staticmethod
    def elearning(person: str, case: str, partition: int | None = None) -> Unit:
        sends = [Send(T.PARTNER_LEARNING, case.encode(), event(L.MODULE_COMPLETED, {"person_id": person, "module": m},
                                                               case, "/partners/parent-hub"), partition)
                 for m in L.MODULES]
        return Unit(("elearning", person), sends)

    @staticmethod
    def viewed(person: str, case: str, partition: int | None = None) -> Unit:
        return Unit(("viewed", person), [Send(T.PARTNER_PLANS, case.encode(), event(
            P.VIEWED, {"person_id": person}, case, "/partners/parent-hub/plans"), partition)])

    def session(self, lot: str, partition: int | None = None) -> Unit:
        sid, _, case = self._ids("S")
        starts = (datetime.now(timezone.utc) + timedelta(days=30)).replace(hour=10, minute=0, second=0, microsecond=0)
        data = {"session_id": sid, "parts": [{"starts_at": starts.isoformat(), "minutes": 150}], "mode": "online",
                "join_url": f"https://meet.example/{sid}",
                "trainer": {"trainer_id": f"T-{lot}", "name": "Sam Trainer", "email": "sam@lot.example"}}
        return Unit(("session", lot, sid), [Send(T.partner_workshops(lot), case.encode(), event(
            W.SESSION_SCHEDULED, data, case, f"/partners/{lot}"), partition)])


def malformed_repeat(send: Send) -> bytes:
    """The same (source, id) as a good referral, with content that breaks the schema."""
    env = json.loads(send.value)
    env["data"]["co_parent_person_ids"] = "conflicting"
    del env["data"]["parent"]
    return json.dumps(env).encode()


def plan(good: GoodTraffic, people: list[tuple[str, str]], k: int,
         parts: int) -> tuple[list[list[Send]], list[Unit], list[Unit]]:
    """The good traffic of a run: runs of sends to interleave (a referral and its repeats stay in
    order, on one key), then one unit per partner topic and partition, sent last. `people` were
    referred in the warm-up: k // 2 + parts do their e-learning, the rest view the plan tool."""
    body = [good.accepted(repeat=i % 4 == 0) for i in range(2 * k)]
    half = k // 2
    body += [good.elearning(p, c) for p, c in people[: half]]
    body += [good.viewed(p, c) for p, c in people[half + 2 * parts:]]
    body += [good.session(good.lots[i % len(good.lots)]) for i in range(k)]
    tail = []
    for p in range(parts):
        tail += [good.accepted(partition=p), good.elearning(*people[half + p], partition=p),
                 good.viewed(*people[half + parts + p], partition=p)]
        tail += [good.session(lot, partition=p) for lot in good.lots]
    runs = [[s] for u in body if not u.repeats for s in u.sends] + [u.sends + u.repeats for u in body if u.repeats]
    return runs, body, tail
