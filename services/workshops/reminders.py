"""Timer handlers. Each re-reads the state when it fires and does nothing if that moved on
(booking released, e-learning done, call recorded): so nothing ever has to cancel a timer, and
a consumer holding the lot lock never waits on a timer row the timer loop has locked.

Each judges as of its due time: a replay holds timers, so one may fire after later facts were read
(the attendance record, a late e-learning, the call's outcome), which it must not count. The
e-learning check is the one whose effect later facts depend on: they settle it first (booking.py)."""
from __future__ import annotations

from contracts import topics as T
from contracts import workshop as W
from ptfc.kit.timers import TimerContext
from services.workshops import booking, notices, store
from services.workshops.domain import workshop
from services.workshops import store_follow_ups as follow_ups


async def _live_booking(ctx: TimerContext, *, still: bool):
    """The booking, if it was live at the due time with the e-learning not done by then; `still`:
    and is live now (the check releases it: a booking since closed needs nothing from it)."""
    due = ctx.timer.due_at
    rows = await store.bookings(ctx.conn, booking_id=ctx.timer.payload["booking_id"], live=False)
    if not rows or workshop.elearning_done_by(rows[0].elearning_completed_at, due):
        return None
    b = rows[0]
    live = b.status == "booked" if still else workshop.booked_at(b.status, b.closed_at, due)
    return b if live else None


async def on_elearning_reminder(ctx: TimerContext) -> None:
    """48 hours before the session: the parent still has to finish the e-learning."""
    row = await _live_booking(ctx, still=False)
    if row is not None:
        await notices.elearning_reminder(ctx, row.person_id, row.case_number, store.details(row))


async def on_elearning_check(ctx: TimerContext) -> None:
    """At the start: a parent whose e-learning is not done cannot take part, so loses the place."""
    await store.lock_lot(ctx.conn)
    row = await _live_booking(ctx, still=True)
    if row is not None:
        await booking.release(ctx, row.booking_id, row.person_id, row.session_id, row.case_number,
                              "elearning_incomplete", ctx.timer.due_at, rebook=True)


async def _open_call(ctx: TimerContext):
    call = await follow_ups.get(ctx.conn, ctx.timer.payload["person_id"], ctx.timer.payload["session_id"])
    return call if call is not None and workshop.open_at(call.recorded_at, ctx.timer.due_at) else None


async def on_follow_up_reminder(ctx: TimerContext) -> None:
    call = await _open_call(ctx)
    if call is not None:
        await notices.follow_up_reminder(ctx, call.trainer_id, call.case_number,
                                         person_id=call.person_id, case_number=call.case_number,
                                         session_id=call.session_id, due_at=call.due_at)


async def on_follow_up_overdue(ctx: TimerContext) -> None:
    call = await _open_call(ctx)
    if call is None:
        return
    await follow_ups.mark_overdue(ctx.conn, call.person_id, call.session_id, ctx.timer.due_at)
    await ctx.emit(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_OVERDUE, W.FollowUpOverdue(
        person_id=call.person_id, session_id=call.session_id, lot=ctx.service.settings.lot,
        trainer_id=call.trainer_id, due_at=call.due_at), subject=call.case_number)


TIMERS = {
    "elearning_reminder": on_elearning_reminder,
    "elearning_check": on_elearning_check,
    "follow_up_reminder": on_follow_up_reminder,
    "follow_up_overdue": on_follow_up_overdue,
}
