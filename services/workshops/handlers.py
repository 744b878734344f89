"""Workshops subscribers for one lot: its partner topic, and the referral and learning facts."""
from __future__ import annotations

from faststream.kafka import KafkaRouter

from contracts import learning as L
from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit import parents
from ptfc.kit.deadletter import DeadLetter, NotYet
from ptfc.kit.handling import Context, Route, batched
from ptfc.kit.subscribe import publishes, subscribe
from services.programme import takes_the_course
from services.workshops import attendance, booking, notices, store, store_lots
from services.workshops.domain import belonging, repeats, workshop


@batched
async def on_referral_accepted(ctxs: list[Context]) -> None:
    """This lot's parents in full; of another lot's, only that they are its (domain/belonging.py), in one
    statement per run: every lot's acceptances come through here."""
    lot, conn = ctxs[0].service.settings.lot, ctxs[0].conn
    elsewhere = []
    for ctx in ctxs:
        a = ctx.event.data
        if not takes_the_course(a.programme):
            continue
        if a.lot == lot:
            await store.upsert_parent(conn, a, ctx.event.time)
        else:
            elsewhere.append((a.person_id, belonging.Acceptance(a.lot, ctx.event.time)))
    await store_lots.remember_other_lots(conn, belonging.newest_by_person(elsewhere))


async def on_withdrawal_accepted(ctx: Context, event: CloudEvent[R.WithdrawalAccepted]) -> None:
    w = event.data
    if w.lot != ctx.service.settings.lot:
        return
    await store.lock_lot(ctx.conn)
    # A place lost at a session's start before the withdrawal was lost then, with its email.
    await booking.settle_checks(ctx, await store.bookings(ctx.conn, person_id=w.person_id), event.time)
    if not await store.withdraw_parent(ctx.conn, w.person_id, w.referral_id):
        return
    for b in await store.bookings(ctx.conn, person_id=w.person_id):
        # No "please rebook" email: the parent is no longer referred.
        await booking.release(ctx, b.booking_id, w.person_id, b.session_id, b.case_number,
                              "referral_withdrawn", event.time, rebook=False)


async def on_elearning_completed(ctx: Context, event: CloudEvent[L.ElearningCompleted]) -> None:
    completed_at = event.data.completed_at
    if completed_at.tzinfo is None:  # the learning service sends aware times; be safe with naive ones
        completed_at = completed_at.replace(tzinfo=event.time.tzinfo)
    kept = await store.elearning_completed_at(ctx.conn, event.data.person_id)
    if repeats.earliest(kept, completed_at) != kept:  # read, decide, write only a change
        await store.record_elearning(ctx.conn, event.data.person_id, completed_at)


async def on_session_scheduled(ctx: Context, event: CloudEvent[W.SessionScheduled]) -> None:
    s = event.data
    problem = workshop.session_problem(s)
    if problem:
        raise DeadLetter(f"session not scheduled: {problem}")
    existing = await store.session(ctx.conn, s.session_id)
    if existing is not None:
        if existing.fingerprint == workshop.fingerprint(s):
            return  # the same schedule sent again
        raise DeadLetter("session_id already scheduled with other details: cancel it and schedule a new one")
    starts_at, ends_at = workshop.session_span(s)
    await store.add_session(ctx.conn, s, workshop.fingerprint(s), starts_at, ends_at, event.time)
    await notices.trainer_recorded(ctx, s.trainer, event.subject)


async def on_session_cancelled(ctx: Context, event: CloudEvent[W.SessionCancelled]) -> None:
    await store.lock_lot(ctx.conn)
    session = await store.session(ctx.conn, event.data.session_id)
    if session is None:
        raise NotYet(f"no session with this session_id in {ctx.service.settings.lot}")
    if session.status == "cancelled":
        return
    refused = workshop.cancellation_refusal(session.attendance_recorded_at)
    if refused:
        raise DeadLetter(refused)
    await store.cancel_session(ctx.conn, session.session_id)
    for b in await store.bookings(ctx.conn, session_id=session.session_id):
        await booking.release(ctx, b.booking_id, b.person_id, b.session_id, b.case_number,
                              "session_cancelled", event.time, rebook=True)


async def on_safeguarding_concern(ctx: Context, event: CloudEvent[W.SafeguardingConcernRaised]) -> None:
    """Published at once, with no detail; no email from here (the other parent must learn nothing)."""
    c = event.data
    # No withdrawal check: a concern about a withdrawn parent still matters.
    parent = parents.accepted(await store.parent(ctx.conn, c.person_id), None, ctx.service.settings.lot)
    await store.add_concern(ctx.conn, c.person_id, c.trainer_id, c.session_id, event.time)
    await ctx.emit(T.WORKSHOPS_EVENTS, W.SAFEGUARDING_CONCERN_RECORDED, W.SafeguardingConcernRecorded(
        person_id=c.person_id, lot=ctx.service.settings.lot, session_id=c.session_id),
        subject=parent.case_number)


PARTNER_ROUTES = {
    W.SESSION_SCHEDULED: on_session_scheduled, W.SESSION_CANCELLED: on_session_cancelled,
    W.BOOKING_REQUESTED: booking.on_booking_requested, W.BOOKING_CANCELLED: booking.on_booking_cancelled,
    W.ATTENDANCE_RECORDED: attendance.on_attendance_recorded,
    W.FOLLOW_UP_RECORDED: attendance.on_follow_up_recorded,
    W.SAFEGUARDING_CONCERN_RAISED: on_safeguarding_concern,
}
OUTBOUND = [  # the types this service publishes on its facts topic (AsyncAPI)
    W.BOOKING_CONFIRMED, W.BOOKING_REFUSED, W.BOOKING_RELEASED, W.PARENT_ATTENDED, W.PARENT_ABSENT,
    W.ATTENDANCE_REFUSED, W.FOLLOW_UP_DUE, W.FOLLOW_UP_OVERDUE, W.FOLLOW_UP_OUTCOME_RECORDED,
    W.SAFEGUARDING_CONCERN_RECORDED,
]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {
        T.partner_workshops(svc.settings.lot): Route(PARTNER_ROUTES, strict=True),
        T.REFERRAL_EVENTS: Route({R.ACCEPTED: on_referral_accepted, R.WITHDRAWAL_ACCEPTED: on_withdrawal_accepted}),
        T.LEARNING_EVENTS: Route({L.ELEARNING_COMPLETED: on_elearning_completed}),
    }, f"The {svc.settings.lot} delivery partner's sessions, bookings and attendance; "
                      "accepted and withdrawn referrals of the lot (of other lots: which lot a person "
                      "is in); e-learning completions.")
    publishes(router, svc, T.WORKSHOPS_EVENTS, OUTBOUND,
              "Bookings, attendance, follow-up calls and safeguarding concerns (no contact details).")
    publishes(router, svc, T.NOTIFICATIONS_REQUESTS, [N.CONTACT_RECORDED, N.REQUESTED],
              "Trainers' contacts and emails to parents and trainers (read only by notifications).")
    return router
