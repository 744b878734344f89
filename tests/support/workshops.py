"""Helpers for the workshops integration tests: a lot's delivery partner, the
referral and learning facts the service relies on, and readers for what it publishes.

`Partner` sends through anything with `Driver.send`'s signature: a scenario's tier
(tests/support/tiers.py), or `Publisher` for a test that runs its own instances on the broker."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from aiokafka import AIOKafkaProducer

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.topics import namespaced
from tests.support.kafka import TopicReader, envelope, eventually

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TRAINER = {"trainer_id": "T-1", "name": "Sam Trainer", "email": "sam.trainer@partner.example"}


class Publisher:
    """Sends as `Driver.send` does, straight to the broker: for tests that run instances themselves."""

    def __init__(self, producer: AIOKafkaProducer, settings) -> None:
        self.producer, self.ns = producer, settings.topic_namespace

    async def send(self, topic: str, env: dict, *, key: str | None = None, partition: int | None = None) -> dict:
        await self.producer.send_and_wait(namespaced(self.ns, topic), json.dumps(env).encode(),
                                          key=(key or env["subject"]).encode(), partition=partition)
        return env


class Partner:
    """Sends as the lot's delivery partner would, and as the referral and learning services do."""

    def __init__(self, to, lot: str = "lot-north") -> None:
        self.to, self.lot = to, lot

    async def send(self, topic: str, type: str, data: dict, subject: str, time: datetime,
                   source: str | None = None, partition: int | None = None) -> dict:
        env = envelope(type, data, subject=subject, time=time, source=source or f"/partners/{self.lot}")
        return await self.to.send(topic, env, partition=partition)

    async def resend(self, env: dict, partition: int) -> None:
        """The very same event again (same source and id), as an at-least-once producer may."""
        await self.to.send(T.partner_workshops(self.lot), env, partition=partition)

    async def partner(self, type: str, data: dict, subject: str, time: datetime = T0, **kw) -> dict:
        return await self.send(T.partner_workshops(self.lot), type, data, subject, time, **kw)

    async def accepted(self, person: str, case: str, *, co: tuple[str, ...] = (), in_person: bool = False,
                       lot: str | None = None) -> None:
        data = R.ReferralAccepted(
            referral_id=f"R-{person}", case_number=case, person_id=person, programme="ptfc",
            route="court_order", lot=lot or self.lot, cafcass_area="A1", ordered_on=T0.date(), referred_on=T0.date(),
            elearning_due_on=T0.date(),
            workshop_due_on=T0.date(), completion_due_on=T0.date(), co_parent_person_ids=list(co),
            plan_suitable=True, in_person=in_person).model_dump(mode="json")
        await self.send(T.REFERRAL_EVENTS, R.ACCEPTED, data, case, T0 - timedelta(days=7), "/ptfc/referral")

    async def withdrawn(self, person: str, case: str, time: datetime = T0) -> None:
        data = {"referral_id": f"R-{person}", "case_number": case, "person_id": person, "lot": self.lot}
        await self.send(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED, data, case, time, "/ptfc/referral")

    async def elearning_done(self, person: str, case: str, at: datetime) -> None:
        data = {"person_id": person, "completed_at": at.isoformat(), "within_target": True}
        await self.send(T.LEARNING_EVENTS, L.ELEARNING_COMPLETED, data, case, at, "/ptfc/learning")

    async def schedule(self, session_id: str, parts: list[tuple[datetime, int]], mode: str = "online",
                       capacity: int = 6, time: datetime = T0) -> dict:
        where = {"join_url": f"https://meet.example/{session_id}"} if mode == "online" else \
            {"venue": "Room 2, Civic Centre, Leeds"}
        data = {"session_id": session_id, "mode": mode, "capacity": capacity, "trainer": TRAINER,
                "parts": [{"starts_at": a.isoformat(), "minutes": m} for a, m in parts], **where}
        return await self.partner(W.SESSION_SCHEDULED, data, session_id, time)

    async def book(self, person: str, case: str, session_id: str | None = None, time: datetime = T0,
                   **kw) -> dict:
        data = {"person_id": person, **({"session_id": session_id} if session_id else {})}
        return await self.partner(W.BOOKING_REQUESTED, data, case, time, **kw)


class Readers:
    """What the service publishes: its facts, the email requests, and dead letters."""

    def __init__(self, bootstrap: str, ns: str) -> None:
        self.events = TopicReader(bootstrap, namespaced(ns, T.WORKSHOPS_EVENTS))
        self.requests = TopicReader(bootstrap, namespaced(ns, T.NOTIFICATIONS_REQUESTS))
        self.dead = TopicReader(bootstrap, namespaced(ns, T.DEADLETTER))

    async def __aenter__(self) -> "Readers":
        for r in (self.events, self.requests, self.dead):
            await r.start()
        return self

    async def __aexit__(self, *exc) -> None:
        for r in (self.events, self.requests, self.dead):
            await r.stop()

    async def fact(self, type: str, person: str | None = None, n: int = 1, **match) -> list[dict]:
        """Waits until at least `n` facts of `type` (about `person`, with `match`ing data) arrived."""
        def found(es):
            hits = [e for e in es if e["type"] == type and (person is None or e["data"]["person_id"] == person)
                    and all(e["data"].get(k) == v for k, v in match.items())]
            return hits if len(hits) >= n else None
        return await self.events.wait_for(found, what=f"{n} x {type} {person or ''} {match}")

    async def email(self, template: str, contact: str, n: int = 1) -> list[dict]:
        def found(es):
            hits = [e["data"] for e in es if e["data"].get("template") == template
                    and e["data"]["contact_id"] == contact]
            return hits if len(hits) >= n else None
        return await self.requests.wait_for(found, what=f"{template} to {contact}")

    async def dead_letter(self, reason_part: str) -> dict:
        def found(_):
            return [dict(r.headers) for r in self.dead.records
                    if reason_part in dict(r.headers)["ptfc-reason"].decode()]
        return (await self.dead.wait_for(found, what=f"dead letter '{reason_part}'"))[0]


async def drain(reader: TopicReader, *pools, timeout: float = 30.0) -> list[dict]:
    """Everything the services decided so far has been sent, and `reader` has read all of it:
    after this, a fact that is absent was never published (not merely late)."""
    for pool in pools:
        await eventually(lambda p=pool: p.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL"),
                         timeout=timeout, what="outbox sent")
    await reader.read_to_end(timeout)
    return reader.events()
