"""Helpers for the learning scenarios: a parent, and what the partners and services upstream of
learning send it (through a tier's driver, tests/support/tiers.py)."""
from __future__ import annotations

import asyncio
import io
import urllib.error
import urllib.request
from datetime import datetime, timezone

from pypdf import PdfReader

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from tests.support.builders import uid
from tests.support.kafka import envelope

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
    """Sends as the Parent Hub, the referral service and the workshops service would."""

    def __init__(self, tier) -> None:
        self.tier = tier

    async def send(self, topic: str, type: str, data: dict, p: Parent, at: datetime, source: str = HUB) -> None:
        await self.tier.send(topic, envelope(type, data, subject=p.case, source=source, time=at))

    async def accept(self, *parents: Parent, at: datetime = T0) -> None:
        for p in parents:
            await self.send(T.REFERRAL_EVENTS, R.ACCEPTED, p.accepted(), p, at, REFERRAL_SRC)

    async def withdraw(self, p: Parent, at: datetime) -> None:
        await self.send(T.REFERRAL_EVENTS, R.WITHDRAWAL_ACCEPTED, {
            "referral_id": p.referral, "case_number": p.case, "person_id": p.person, "lot": "lot-north"},
            p, at, REFERRAL_SRC)

    async def activate(self, p: Parent, at: datetime) -> None:
        await self.send(T.PARTNER_LEARNING, L.ACCOUNT_ACTIVATED, {"person_id": p.person}, p, at)

    async def module(self, p: Parent, module: str, at: datetime) -> None:
        await self.send(T.PARTNER_LEARNING, L.MODULE_COMPLETED, {"person_id": p.person, "module": module}, p, at)

    async def all_modules(self, p: Parent, at: datetime) -> None:
        for module in L.MODULES:
            await self.module(p, module, at)

    async def survey(self, p: Parent, survey: str, answers: dict, at: datetime) -> None:
        await self.send(T.PARTNER_LEARNING, L.SURVEY_SUBMITTED,
                        {"person_id": p.person, "survey": survey, "answers": answers}, p, at)

    async def feedback(self, p: Parent, at: datetime, clear: bool, centre: bool, satisfaction: int) -> None:
        await self.survey(p, "workshop-feedback", {"clearer_understanding": clear, "child_at_centre": centre,
                                                   "satisfaction": satisfaction}, at)

    async def name(self, p: Parent, display_name: str, at: datetime = T0) -> None:
        await self.send(T.LEARNING_NAMES, L.CERTIFICATE_NAME_RECORDED,
                        {"person_id": p.person, "display_name": display_name}, p, at, REFERRAL_SRC)

    async def attended(self, p: Parent, recorded_at: datetime) -> None:
        await self.send(T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED, {
            "person_id": p.person, "session_id": "S-1", "lot": "lot-north",
            "attended_on": recorded_at.date().isoformat(), "recorded_at": recorded_at.isoformat()},
            p, recorded_at, "/ptfc/workshops.lot-north")


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
