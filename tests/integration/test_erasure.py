"""Erasure: a person's personal data leaves every service's database, the counts stay.

Two co-parents are referred; one has a certificate name, contacts and emails, plan terms, a free-
text survey answer, and a refused referral and a refused internal message kept in dead-letter
tables. After Cafcass asks for that parent's erasure, every text, JSON and byte column of every
table of every service's database is searched for each of their values: none is left, while the
other parent's are."""
from __future__ import annotations

import json
import uuid

import asyncpg

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from datetime import datetime, timezone

from ptfc.kit import db
from ptfc.kit.clock import ManualClock
from ptfc.kit.timers import TimerLoop
from services.learning.app import SPEC as LEARNING
from services.notifications.app import SPEC as NOTIFICATIONS
from services.plans.app import SPEC as PLANS
from services.referral.app import SPEC as REFERRAL
from services.referral.cli import erase
from tests.support.builders import referral, uid
from tests.support.kafka import envelope, eventually, publish
from tests.support.services import for_service, running

SEARCHABLE = ("text", "character varying", "jsonb", "json", "bytea")


def unique(prefix: str) -> str:
    return prefix + "".join(chr(ord("g") + int(c, 16) % 20) for c in uuid.uuid4().hex[:12])


async def found_anywhere(settings, value: str) -> list[str]:
    """Every (database.table.column) holding `value`, over every table of every service's database."""
    hits = []
    for name in ("referral", "learning", "notifications", "plans"):
        dsn = db.with_database(settings.database_url, for_service(settings, name).database_name)
        conn = await asyncpg.connect(dsn)
        try:
            cols = await conn.fetch("SELECT table_name, column_name, data_type FROM information_schema.columns "
                                    "WHERE table_schema = 'public' AND data_type = ANY($1::text[])", list(SEARCHABLE))
            for c in cols:
                test = ("position(convert_to($1, 'UTF8') in {col}) > 0" if c["data_type"] == "bytea"
                        else "{col}::text LIKE '%' || $1 || '%'").format(col=f'"{c["column_name"]}"')
                if await conn.fetchval(f'SELECT count(*) FROM "{c["table_name"]}" WHERE {test}', value):
                    hits.append(f"{name}.{c['table_name']}.{c['column_name']}")
        finally:
            await conn.close()
    return hits


async def test_erasure_leaves_no_personal_value_in_any_table_and_keeps_the_counts(settings, producer, smtp_sink):
    s = settings
    case, gone, kept = uid("C"), uid("P"), uid("P")
    values = {}
    reqs = []
    for person, co in ((gone, kept), (kept, gone)):
        r = referral(case=case, person=person, co_parent_person_ids=[co])
        digits = "".join(str(int(c, 16) % 10) for c in uuid.uuid4().hex[:6])
        r["parent"].update(given_name=unique("Gv"), family_name=unique("Fm"), phone=f"+44 7700 9{digits}")
        r["parent"]["email"] = f"{unique('em')}@parents.example"
        values[person] = [r["parent"]["given_name"], r["parent"]["family_name"], r["parent"]["email"],
                          r["parent"]["phone"]]
        reqs.append(r)
    terms = {p: unique("Terms") for p in (gone, kept)}
    answer = unique("Said")
    async with running(REFERRAL, s) as ref, running(LEARNING, s), \
            running(NOTIFICATIONS, s, smtp_port=smtp_sink.port), running(PLANS, s) as plans:
        for r in reqs:
            await publish(producer, ref.topic(T.PARTNER_REFERRALS), envelope(R.REQUESTED, r, subject=case), case)
        for p in (gone, kept):
            await eventually(lambda: any(m["To"].addresses[0].addr_spec == values[p][2] for m in smtp_sink.messages),
                             timeout=60, what="the invitation email")
        # Plans reads the acceptances on its own: a plan fact read before them would wait only
        # PARK_MAX_SECONDS (1 s here) and be dead-lettered, and no plan would exist to erase.
        await eventually(lambda: plans.pool.fetchval("SELECT count(*) = 2 FROM parents WHERE person_id = ANY($1)",
                                                     [gone, kept]), what="plans knowing both parents")
        hub = lambda type_, data: publish(producer, ref.topic(T.PARTNER_PLANS),  # noqa: E731
                                          envelope(type_, data, subject=case, source="/partners/parent-hub/plans"), case)
        await hub(P.OPENED, {"person_id": gone})
        for p in (gone, kept):
            await hub(P.PROPOSAL_SUBMITTED, {"person_id": p, "proposals": [{"area": "money", "terms": terms[p]}]})
        await publish(producer, ref.topic(T.PARTNER_LEARNING), envelope(L.SURVEY_SUBMITTED, {
            "person_id": gone, "survey": "progress", "answers": {"comment": answer, "confidence": 4}},
            subject=case, source="/partners/parent-hub"), case)
        # A refused referral (Cafcass's, with the parent's name and address): kept by referral.
        await publish(producer, ref.topic(T.PARTNER_REFERRALS),
                      envelope(R.REQUESTED, {**reqs[0], "plan_suitable": "yes"}, subject=case), case)
        # A refused message on learning's sensitive internal topic: its bytes are kept, withheld.
        await publish(producer, ref.topic(T.LEARNING_NAMES), json.dumps(envelope(
            L.CERTIFICATE_NAME_RECORDED, {"person_id": gone, "display_name": values[gone][0]},
            subject=case, source="/ptfc/referral") | {"specversion": "0.9"}).encode(), case)
        for value in (*values[gone], terms[gone], answer):
            await eventually(lambda: found_anywhere(s, value), timeout=60, what="the data to be in place")

        # `ptfc erase` publishes the event Cafcass would send, keyed by the person's case.
        await erase(for_service(s, "referral"), gone, reason="test")

        for value in (*values[gone], terms[gone], answer):
            async def erased(v=value):
                return not await found_anywhere(s, v)
            try:
                await eventually(erased, timeout=30, what="erasure everywhere")
            except AssertionError:
                raise AssertionError(f"still held in {await found_anywhere(s, value)}") from None
        for value in (*values[kept], terms[kept]):  # the search finds what is there
            assert await found_anywhere(s, value), value
        counts = await ref.pool.fetchval("SELECT count(*) FROM referrals WHERE case_number = $1", case)
        assert counts == 2  # the programme's figures keep both referrals


async def test_a_closed_referral_is_erased_when_its_retention_ends_unless_the_parent_is_back(settings, producer):
    """Withdrawn on 2 November with 6 months' retention: erased from 2 May, not a minute before;
    a parent referred again meanwhile keeps their data (the new referral's close counts)."""
    closed_at = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
    clock = ManualClock(closed_at)
    gone, back = referral(), referral()
    async with running(REFERRAL, settings, clock=clock, personal_data_retention_months=6) as ref:
        topic = ref.topic(T.PARTNER_REFERRALS)
        for r in (gone, back):
            await publish(producer, topic, envelope(R.REQUESTED, r, subject=r["case_number"], time=closed_at),
                          r["case_number"])
            await publish(producer, topic, envelope(R.WITHDRAWN, {"referral_id": r["referral_id"], "reason": "x"},
                                                    subject=r["case_number"], time=closed_at), r["case_number"])
        again = referral(person=back["parent"]["person_id"])
        await publish(producer, topic, envelope(R.REQUESTED, again, subject=again["case_number"], time=closed_at),
                      again["case_number"])
        await eventually(lambda: ref.pool.fetchval("SELECT count(*) FROM timers WHERE kind = 'retention-erasure'"),
                         what="retention timers")
        loop = TimerLoop(ref, REFERRAL.timers)

        async def erasures() -> list[tuple[str, str]]:
            rows = await ref.pool.fetch("SELECT value FROM outbox WHERE topic = $1", ref.topic(T.REFERRAL_EVENTS))
            facts = [json.loads(bytes(r["value"])) for r in rows]
            return [(f["data"]["person_id"], f["data"]["cause"]) for f in facts if f["type"] == R.PERSON_ERASED]
        clock.set(datetime(2027, 5, 1, 22, 59, tzinfo=timezone.utc))  # 23:59 on 1 May in England (BST)
        await loop.fire_due()  # the re-referral's own day-42 report falls due here: not an erasure
        assert await erasures() == []
        clock.set(datetime(2027, 5, 1, 23, 0, 1, tzinfo=timezone.utc))  # 2 May has begun in England
        await loop.fire_due()
        assert await erasures() == [(gone["parent"]["person_id"], "retention")]
