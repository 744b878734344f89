"""Booking handlers, and releasing a place (used by every path that frees one).

Every booking decision runs under the lot lock (store.lock_lot): capacity and the co-parent rule
span rows, and two replicas of a lot may be deciding at once.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit import parents, timers
from ptfc.kit.handling import Context
from ptfc.kit.deadletter import DeadLetter
from services.workshops import notices, store, store_lots
from services.workshops.domain import allocation, belonging, workshop


async def booking_parent(ctx: Any, event: CloudEvent[W.BookingRequested]):
    """The lot's active parent the request is about; None when refused as another lot's parent."""
    lot, person_id = ctx.service.settings.lot, event.data.person_id
    row, elsewhere = await store_lots.booking_parent(ctx.conn, person_id)
    whose = belonging.owner(lot, row and row.accepted_at, elsewhere)
    if whose == belonging.OTHER_LOT:  # refused at once, like any refusal: no acceptance is on its way
        await ctx.emit(T.WORKSHOPS_EVENTS, W.BOOKING_REFUSED, W.BookingRefused(
            person_id=person_id, lot=lot, reason="other_lot", requested_session_id=event.data.session_id),
            subject=event.subject)
        return None
    # UNKNOWN: this lot has not accepted them (here_at None), so there is no record to gate.
    return parents.accepted(row if whose == belonging.HERE else None, lambda r: r.status == "active", lot)


CHECK = "elearning_check"  # at a session's start: a parent whose e-learning is not done loses the place


async def settle_checks(ctx: Any, live: list, at: datetime) -> bool:
    """Before a fact at `at` about these live bookings: their start-of-session checks that were due
    before it but have not fired (a replay holds timers) fire first, as they did live, so a place
    lost at the start is lost before the attendance record, a new booking or a cancellation is
    judged. True if any fired (the caller reads the bookings again)."""
    return bool(live) and await timers.settle(ctx, CHECK, [str(b.booking_id) for b in live], at) > 0


async def offer_rebooking(ctx: Any, person_id: str, subject: str, session_id: str, reason: str,
                          at: datetime) -> None:
    """Tell the parent to rebook, offering the earliest session that fits them at `at`."""
    parent = await store.parent(ctx.conn, person_id)
    sessions = await store.open_sessions(ctx.conn, at)
    best = allocation.earliest_fitting(sessions, store.as_allocation_parent(parent), at)
    offered = store.details(await store.session(ctx.conn, best.session_id)) if best else None
    released = store.details(await store.session(ctx.conn, session_id))
    await notices.rebook(ctx, person_id, subject, reason, released, offered, at)


async def release(ctx: Any, booking_id: int, person_id: str, session_id: str, case_number: str,
                  reason: str, at: datetime, *, rebook: bool) -> None:
    await store.close_booking(ctx.conn, booking_id, "released", reason, at)
    await ctx.emit(T.WORKSHOPS_EVENTS, W.BOOKING_RELEASED, W.BookingReleased(
        person_id=person_id, session_id=session_id, lot=ctx.service.settings.lot, reason=reason),
        subject=case_number)
    if rebook:
        await offer_rebooking(ctx, person_id, case_number, session_id, reason, at)


async def _confirm(ctx: Context, parent, session_id: str, at: datetime) -> None:
    person_id, case = parent.person_id, parent.case_number
    booking_id = await store.add_booking(ctx.conn, session_id, parent, at)
    details = store.details(await store.session(ctx.conn, session_id))
    done = workshop.elearning_done_by(await store.elearning_completed_at(ctx.conn, person_id), details.starts_at)
    if not done:
        # Both timers re-check the booking and the e-learning when they fire, so nothing cancels them.
        payload, remind_at = {"booking_id": booking_id}, workshop.elearning_reminder_at(
            details.starts_at, ctx.service.config.elearning_reminder_hours, at)
        if remind_at is not None:
            await timers.schedule(ctx.conn, "elearning_reminder", str(booking_id), case, remind_at, payload)
        await timers.schedule(ctx.conn, CHECK, str(booking_id), case, details.starts_at, payload)
    await ctx.emit(T.WORKSHOPS_EVENTS, W.BOOKING_CONFIRMED, W.BookingConfirmed(
        person_id=person_id, session_id=session_id, lot=ctx.service.settings.lot,
        starts_at=details.starts_at, mode=details.mode, elearning_complete=done), subject=case)
    await notices.booking_confirmed(ctx, person_id, case, details, done, at)


async def on_booking_requested(ctx: Context, event: CloudEvent[W.BookingRequested]) -> None:
    req = event.data
    await store.lock_lot(ctx.conn)
    parent = await booking_parent(ctx, event)
    if parent is None:
        return
    live = await store.bookings(ctx.conn, person_id=req.person_id)
    if await settle_checks(ctx, live, event.time):
        live = await store.bookings(ctx.conn, person_id=req.person_id)
    sessions = await store.open_sessions(ctx.conn, event.time, req.session_id)
    decision = allocation.place(store.as_allocation_parent(parent), sessions, event.time, req.session_id,
                                holds=live[0].session_id if live else None,
                                attended=await store.has_attended(ctx.conn, parent))
    if isinstance(decision, allocation.Placed):
        await _confirm(ctx, parent, decision.session_id, event.time)
        return
    offered = decision.offered
    await ctx.emit(T.WORKSHOPS_EVENTS, W.BOOKING_REFUSED, W.BookingRefused(
        person_id=req.person_id, lot=ctx.service.settings.lot, reason=decision.reason,
        requested_session_id=req.session_id, offered_session_id=offered and offered.session_id,
        offered_starts_at=offered and offered.starts_at), subject=parent.case_number)
    details = store.details(await store.session(ctx.conn, offered.session_id)) if offered else None
    await notices.booking_refused(ctx, req.person_id, parent.case_number, decision.reason,
                                  req.session_id, details)


async def on_booking_cancelled(ctx: Context, event: CloudEvent[W.BookingCancelled]) -> None:
    await store.lock_lot(ctx.conn)
    live = await store.bookings(ctx.conn, person_id=event.data.person_id, session_id=event.data.session_id)
    if await settle_checks(ctx, live, event.time):
        live = await store.bookings(ctx.conn, person_id=event.data.person_id, session_id=event.data.session_id)
    if not live:
        raise DeadLetter("this parent holds no place in this session")
    b = live[0]
    await release(ctx, b.booking_id, b.person_id, b.session_id, b.case_number,
                  "booking_cancelled", event.time, rebook=False)
