"""E-learning progress, surveys and reminders (the first stage of the programme).

Every decision uses programme time: the events' own `time`, and each timer's `due_at`.
"""
from __future__ import annotations

from datetime import datetime

from contracts import learning as L
from contracts import topics as T
from ptfc.kit import timers
from ptfc.kit.deadletter import DeadLetter
from services.learning import certificates, invitations, store
from services.learning.domain import course, feedback

REMINDER = "reminder"


def reminder_key(referral_id: str, day: int) -> str:
    return f"{referral_id}:day{day}"


async def schedule_reminders(conn, accepted: list, programme) -> None:
    """(acceptance, time accepted) each: the reminders still ahead of each, in one statement."""
    days = programme.reminder_days
    await timers.schedule_many(conn, [
        (REMINDER, reminder_key(a.referral_id, day), a.case_number, due,
         {"person_id": a.person_id, "referral_id": a.referral_id, "day": day})
        for a, at in accepted for day, due in course.reminders_ahead(a.referred_on, days, at)])


async def cancel_reminders(conn, referral_id: str, programme, at: datetime) -> None:
    """Those due after `at` (the cause's own time): one due before it went out, as it did live."""
    for day in programme.reminder_days:
        await timers.cancel(conn, REMINDER, reminder_key(referral_id, day), at)


async def module_completed(ctx, parent, module: str, at: datetime) -> None:
    """Any order, any repeats; elearning-completed is published exactly once (the UPDATE guards it)."""
    referral_id = parent.referral_id
    done = await store.add_module(ctx.conn, referral_id, module, at)
    if not course.elearning_complete(done) or not await store.complete_elearning(ctx.conn, referral_id, at):
        return
    s = ctx.service.config
    await ctx.emit(T.LEARNING_EVENTS, L.ELEARNING_COMPLETED, L.ElearningCompleted(
        person_id=parent.person_id, completed_at=at,
        within_target=course.within_target(parent.referred_on, at, s.elearning_target_days)))
    await cancel_reminders(ctx.conn, referral_id, s, at)
    await certificates.schedule_if_due(ctx.conn, parent, await store.progress(ctx.conn, referral_id), s)


async def survey_submitted(ctx, parent, data: L.SurveySubmitted, at: datetime) -> None:
    if data.survey == feedback.WORKSHOP_FEEDBACK:
        try:
            fb = feedback.workshop_feedback(data.answers)
        except ValueError as exc:
            raise DeadLetter(f"workshop-feedback: {exc}") from None
        await ctx.emit(T.LEARNING_EVENTS, L.FEEDBACK_RECORDED, L.FeedbackRecorded(
            person_id=parent.person_id, submitted_at=at, clearer_understanding=fb.clearer_understanding,
            child_at_centre=fb.child_at_centre, satisfaction=fb.satisfaction))
    await store.save_survey(ctx.conn, parent.referral_id, data.survey, data.answers, at)


async def on_reminder_due(tctx) -> None:
    """Day 7 and day 12: only while the e-learning is incomplete, with a fresh link if never activated."""
    p, conn = tctx.timer.payload, tctx.conn
    parent = await store.parent(conn, p["person_id"], lock=True)
    progress = await store.progress(conn, p["referral_id"])
    # Decided when it fires, not only cancelled on completion: holds even if a cancel were missed.
    # As of its due time: it may fire late (a replay held it), after facts from later were read.
    due = tctx.timer.due_at
    action = course.reminder(p["referral_id"], parent, progress.elearning_completed_at if progress else None, due)
    if action is None:
        return
    s = tctx.service.config
    done = await store.modules_done(conn, p["referral_id"], due)
    due_on = course.elearning_due_on(parent.referred_on, s.elearning_target_days)
    extra = {"day": p["day"], "elearning_due_on": course.long_date(due_on),
             "modules_done": done, "modules_left": len(L.MODULES) - done}
    if action == "with_link":
        await invitations.send(tctx, parent.person_id, tctx.timer.due_at, reissue=True,
                               template="learning_reminder", extra=extra)
        return
    await tctx.request_email("learning_reminder", parent.person_id, extra)
