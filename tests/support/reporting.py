"""Reporting facts as the other services (and the Parent Hub) publish them, for the reporting
tests: CloudEvents built from the contract models, back-dated, onto a namespace's topics."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta, timezone

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from tests.support.builders import uid
from tests.support.kafka import envelope, publish

APRIL = "from=2026-04-01&to=2026-04-30"


def utc(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=timezone.utc)


def get(port: int, query: str, token: str | None) -> tuple[int, dict]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/reports/kpi?{query}",
                                 headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class Facts:
    """Publishes facts as their services would: CloudEvents built from the contract models."""

    def __init__(self, svc, producer) -> None:
        self.svc, self.producer = svc, producer
        self.sent = 0  # distinct events published

    async def send(self, topic: str, type_: str, model, case: str, at: datetime, *, id: str | None = None,
                   source: str = "/ptfc/test") -> dict:
        event = envelope(type_, model.model_dump(mode="json", by_alias=True), subject=case, source=source,
                         time=at, id=id)
        await publish(self.producer, self.svc.topic(topic), event, case)
        self.sent += 1
        return event

    async def accepted(self, case: str, person: str, route: str, area: str, lot: str, day0: str, ordered: str,
                       programme: str = "ptfc") -> str:
        ref = uid("R")
        d0 = date.fromisoformat(day0)
        await self.send(T.REFERRAL_EVENTS, R.ACCEPTED, R.ReferralAccepted(
            referral_id=ref, case_number=case, person_id=person, programme=programme, route=route, lot=lot,
            cafcass_area=area, ordered_on=date.fromisoformat(ordered), referred_on=d0,
            elearning_due_on=d0 + timedelta(14), workshop_due_on=d0 + timedelta(35),
            completion_due_on=d0 + timedelta(42), co_parent_person_ids=[], plan_suitable=True), case, utc(day0))
        return ref

    async def elearning(self, case: str, person: str, at: datetime) -> None:
        await self.send(T.LEARNING_EVENTS, L.ELEARNING_COMPLETED,
                        L.ElearningCompleted(person_id=person, completed_at=at, within_target=True), case, at)

    async def attended(self, case: str, person: str, day: str, session: str) -> None:
        await self.send(T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED, W.ParentAttended(
            person_id=person, session_id=session, lot="lot-north", attended_on=date.fromisoformat(day),
            recorded_at=utc(day, 16)), case, utc(day, 16))

    async def survey(self, case: str, person: str, at: datetime, clearer: bool, child: bool, score: int) -> None:
        """Workshop feedback as learning publishes it once it accepted the Parent Hub's answers."""
        await self.send(T.LEARNING_EVENTS, L.FEEDBACK_RECORDED, L.FeedbackRecorded(
            person_id=person, submitted_at=at, clearer_understanding=clearer, child_at_centre=child,
            satisfaction=score), case, at)

    async def follow_up(self, case: str, person: str, type_: str, model, at: datetime) -> None:
        await self.send(T.WORKSHOPS_EVENTS, type_, model(person_id=person, session_id="S1", lot="lot-north",
                                                         **({"outcome": "spoke", "recorded_at": at, "late": False}
                                                            if type_ == W.FOLLOW_UP_OUTCOME_RECORDED else
                                                            {"trainer_id": "T1", "due_at": at})), case, at)

    async def rejected(self, at: datetime, *codes: str) -> None:
        case = uid("C")
        await self.send(T.REFERRAL_EVENTS, R.REJECTED, R.ReferralRejected(
            referral_id=uid("R"), case_number=case, reasons=[R.Reason(code=c, message="m") for c in codes]), case, at)
