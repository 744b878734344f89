"""Attendance records and follow-up calls."""
from __future__ import annotations

from datetime import datetime

from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit import timers
from ptfc.kit.handling import Context
from ptfc.kit.deadletter import DeadLetter, NotYet
from services.workshops import booking, store
from services.workshops.domain import repeats, workshop
from services.workshops import store_follow_ups as follow_ups
from services.workshops.domain.workshop import Verdict


async def _set_up_follow_up(ctx: Context, session, v: Verdict) -> None:
    due_at = workshop.follow_up_due(session.ends_at, ctx.service.config.follow_up_due_days)
    person_id, case = v.person_id, v.seat.case_number
    if not await follow_ups.add(ctx.conn, person_id, session.session_id, case, session.trainer_id, due_at):
        return
    key, payload = f"{person_id}|{session.session_id}", {"person_id": person_id,
                                                           "session_id": session.session_id}
    await timers.schedule(ctx.conn, "follow_up_reminder", key, case,
                          workshop.follow_up_reminder_at(due_at, ctx.service.config.follow_up_reminder_days), payload)
    await timers.schedule(ctx.conn, "follow_up_overdue", key, case, due_at, payload)
    await ctx.emit(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_DUE, W.FollowUpDue(
        person_id=person_id, session_id=session.session_id, lot=ctx.service.settings.lot,
        trainer_id=session.trainer_id, due_at=due_at), subject=case)


async def _apply(ctx: Context, session, v: Verdict, at: datetime) -> None:
    lot, session_id = ctx.service.settings.lot, session.session_id
    subject = v.seat.case_number if v.seat else ctx.event.subject
    if v.outcome == "refused":
        await ctx.emit(T.WORKSHOPS_EVENTS, W.ATTENDANCE_REFUSED, W.AttendanceRefused(
            person_id=v.person_id, session_id=session_id, lot=lot, reason=v.reason), subject=subject)
        if v.release:
            await booking.release(ctx, v.seat.booking_id, v.person_id, session_id, subject, v.reason, at,
                                  rebook=True)
        return
    await store.close_booking(ctx.conn, v.seat.booking_id, v.outcome, None, at)
    if v.outcome == "attended":
        await ctx.emit(T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED, W.ParentAttended(
            person_id=v.person_id, session_id=session_id, lot=lot,
            attended_on=workshop.attended_on(session.ends_at), recorded_at=at, follow_up=v.follow_up,
            ended_at=session.ends_at),
            subject=subject)
        if v.follow_up:
            await _set_up_follow_up(ctx, session, v)
        return
    await ctx.emit(T.WORKSHOPS_EVENTS, W.PARENT_ABSENT, W.ParentAbsent(
        person_id=v.person_id, session_id=session_id, lot=lot, recorded_at=at), subject=subject)
    await booking.offer_rebooking(ctx, v.person_id, subject, session_id, "absent", at)


async def on_attendance_recorded(ctx: Context, event: CloudEvent[W.AttendanceRecorded]) -> None:
    rec = event.data
    await store.lock_lot(ctx.conn)
    session = await store.session(ctx.conn, rec.session_id)
    if session is None:
        raise NotYet(f"no session with this session_id in {ctx.service.settings.lot}")
    refused = workshop.attendance_refusal(session.status, session.starts_at, event.time)
    if refused:
        raise DeadLetter(refused)
    rows = await store.bookings(ctx.conn, session_id=rec.session_id, live=False)
    if await booking.settle_checks(ctx, [r for r in rows if r.status == "booked"], event.time):
        rows = await store.bookings(ctx.conn, session_id=rec.session_id, live=False)
    for verdict in workshop.judge_record(rec.attendance, workshop.seats(rows), session.starts_at):
        await _apply(ctx, session, verdict, event.time)
    recorded_at = repeats.first_value_wins(session.attendance_recorded_at, event.time)
    if recorded_at != session.attendance_recorded_at:  # read under the lot lock, decide, write a change
        await store.set_attendance_recorded(ctx.conn, rec.session_id, recorded_at)


async def on_follow_up_recorded(ctx: Context, event: CloudEvent[W.FollowUpRecorded]) -> None:
    person_id = event.data.person_id
    call = await follow_ups.open_for(ctx.conn, person_id)
    if call is None:
        raise DeadLetter("no follow-up call is open for this person_id")
    await follow_ups.record_outcome(ctx.conn, person_id, call.session_id, event.data.outcome, event.time)
    await ctx.emit(T.WORKSHOPS_EVENTS, W.FOLLOW_UP_OUTCOME_RECORDED, W.FollowUpRecordedFact(
        person_id=person_id, session_id=call.session_id, lot=ctx.service.settings.lot,
        outcome=event.data.outcome, recorded_at=event.time, late=workshop.follow_up_late(event.time, call.due_at)),
        subject=call.case_number)
