"""Booking rules of one lot's workshops service, against the real broker and database."""
from __future__ import annotations

import json
from datetime import timedelta

from contracts import workshop as W
from ptfc.kit.clock import ManualClock
from services.workshops.app import SPEC
from tests.support.workshops import T0, TRAINER, Partner, Readers, drain
from tests.support.builders import uid
from tests.support.kafka import eventually
from tests.support.services import running

DAY = timedelta(days=1)


async def test_bookings_keep_every_rule_and_cancelling_a_session_asks_parents_to_rebook(settings, producer):
    lot = Partner(producer, settings)
    ca, cb, cd, ce, cw = (uid("C") for _ in range(5))
    a1, a2, b, d, e, w, east = (uid("P") for _ in range(7))
    s_on, s_in, s_later, s_past = (uid("S") for _ in range(4))
    async with running(SPEC, settings, clock=ManualClock(T0), lot="lot-north") as svc, \
            Readers(settings.kafka_bootstrap_servers, settings.topic_namespace) as out:
        for person, case, kw in [(a1, ca, {"co": (a2,)}), (a2, ca, {"co": (a1,)}), (b, cb, {"in_person": True}),
                                 (d, cd, {}), (e, ce, {}), (w, cw, {})]:
            await lot.accepted(person, case, **kw)
        await lot.accepted(east, uid("C"), lot="lot-east")  # another lot's parent: never stored here
        await lot.schedule(s_on, [(T0 + 3 * DAY, 150)], capacity=2)
        await lot.schedule(s_in, [(T0 + 5 * DAY + timedelta(hours=9), 75),
                                  (T0 + 6 * DAY + timedelta(hours=9), 75)], mode="in_person")
        await lot.schedule(s_later, [(T0 + 10 * DAY, 150)])
        await lot.schedule(s_past, [(T0 - timedelta(hours=1), 150)])  # after now by the wall clock
        await lot.schedule(uid("S"), [(T0 + 3 * DAY, 120)])
        await eventually(lambda: svc.pool.fetchval(
            "SELECT (SELECT count(*) FROM sessions) = 4 AND (SELECT count(*) FROM parents) = 6"),
            what="sessions and the lot's parents stored")
        assert not await svc.pool.fetchval("SELECT count(*) FROM parents WHERE person_id = $1", east)
        await out.dead_letter("a one-part session lasts 150 minutes")

        # A named session that fits: confirmed, with its details and a calendar invitation.
        await lot.book(a1, ca, s_on)
        confirmed = (await out.fact(W.BOOKING_CONFIRMED, a1))[0]["data"]
        assert confirmed["session_id"] == s_on and confirmed["elearning_complete"] is False
        email = (await out.email("workshop_booking_confirmed", a1))[0]
        assert email["context"]["join_url"] == f"https://meet.example/{s_on}"
        assert email["context"]["when"] == ["Friday 4 December 2026, 09:00 to 11:30 (UK time)"]
        ics = email["attachments"][0]
        assert ics["filename"] == "session.ics" and ics["content_type"] == "text/calendar"
        assert "DTSTART:20261204T090000Z" in ics["content"] and "DTEND:20261204T113000Z" in ics["content"]

        # Refusals say why and offer the earliest session that fits this parent.
        for person, case, reason, offered in [(a2, ca, "co_parent_booked", s_in), (b, cb, "in_person_needed", s_in)]:
            await lot.book(person, case, s_on)
            refused = (await out.fact(W.BOOKING_REFUSED, person))[0]["data"]
            assert (refused["reason"], refused["offered_session_id"]) == (reason, offered)
        await lot.book(d, cd, s_on)
        await out.fact(W.BOOKING_CONFIRMED, d)
        await lot.book(e, ce, s_on)
        refused = (await out.fact(W.BOOKING_REFUSED, e))[0]["data"]
        assert (refused["reason"], refused["offered_session_id"]) == ("session_full", s_in)
        assert (await out.email("workshop_booking_refused", e))[0]["context"]["offer"]["session_id"] == s_in
        await lot.book(e, ce)  # "the earliest that fits"
        assert (await out.fact(W.BOOKING_CONFIRMED, e))[0]["data"]["session_id"] == s_in
        await lot.book(w, cw, s_past)  # started by the request's own time, which is what counts
        assert (await out.fact(W.BOOKING_REFUSED, w))[0]["data"]["reason"] == "session_started"
        await lot.book(east, uid("C"))  # another lot's parent: refused at once, not parked
        assert (await out.fact(W.BOOKING_REFUSED, east))[0]["data"]["reason"] == "other_lot"

        # Cancelling a session releases its places; each parent is asked to rebook, offered the next.
        await lot.partner(W.SESSION_CANCELLED, {"session_id": s_in, "reason": "trainer ill"}, s_in, T0 + DAY)
        assert (await out.fact(W.BOOKING_RELEASED, e))[0]["data"]["reason"] == "session_cancelled"
        rebook = (await out.email("workshop_rebook", e))[0]
        assert rebook["context"]["offer"]["session_id"] == s_later
        assert "STATUS:CANCELLED" in rebook["attachments"][0]["content"]

        # A withdrawn parent's place is freed without asking them to rebook; a cancelled booking too,
        # after which the co-parent fits in the session.
        await lot.withdrawn(d, cd, T0 + DAY)
        assert (await out.fact(W.BOOKING_RELEASED, d))[0]["data"]["reason"] == "referral_withdrawn"
        await lot.partner(W.BOOKING_CANCELLED, {"person_id": a1, "session_id": s_on}, ca, T0 + DAY)
        await out.fact(W.BOOKING_RELEASED, a1, reason="booking_cancelled")
        await lot.book(a2, ca, s_on, time=T0 + DAY)
        assert (await out.fact(W.BOOKING_CONFIRMED, a2))[0]["data"]["session_id"] == s_on

        # Drained: an email or fact absent below was never published (not merely late).
        requests, events = await drain(out.requests, svc.pool), await drain(out.events, svc.pool)
        assert not [r for r in requests if r["data"].get("contact_id") in (d, a1)
                    and r["data"].get("template") == "workshop_rebook"]
        trainer = [r["data"] for r in requests if r["data"].get("role") == "trainer"]
        assert trainer and trainer[0]["contact_id"] == f"trainer:{TRAINER['trainer_id']}"
        live = await svc.pool.fetch("SELECT session_id, count(*) AS n FROM bookings WHERE status = 'booked' "
                                    "GROUP BY session_id")
        assert {r["session_id"]: r["n"] for r in live} == {s_on: 1}
        facts = json.dumps(events)
        for secret in (TRAINER["name"], TRAINER["email"], "Civic Centre", "meet.example"):
            assert secret not in facts
