"""CPPP outcomes: sessions recorded by Cafcass complete a parent's programme; the end of the window
reports a lapse; either way the court and the Guardian (Rule 16.4) or the FCA (Section 7) receive
a report of what that parent did. The rules are domain/cppp.py's; this module stores and emits."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from contracts import cppp as C
from contracts import referral as R
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit import timers
from ptfc.kit.calendar import uk_date
from ptfc.kit.deadletter import DeadLetter
from ptfc.kit.handling import Context
from ptfc.kit.timers import TimerContext
from services.referral import outcomes, store, store_cppp
from services.referral.domain import cppp
from services.referral.cppp_intake import LAPSE


def _rule(ctx) -> cppp.Rule:
    return ctx.service.config.cppp_rule


async def on_session_recorded(ctx: Context, event: CloudEvent[C.CpppSessionRecorded]) -> None:
    """Kept per attending parent; each parent still in the programme whose sessions now meet the
    rule has completed it."""
    d = event.data
    parents = await store_cppp.case_parents(ctx.conn, d.case_number)
    active = {p: r for p, r in parents.items() if r.status == "active"}
    has_started = any(r.cppp_started_on is not None for r in active.values())
    refusal = cppp.session_refusal(d.case_number, event.subject, d.attended_person_ids, d.joint,
                                   set(parents), set(active), has_started, d.held_on, uk_date(event.time))
    if refusal:
        raise DeadLetter(refusal)
    await store_cppp.add_session(ctx.conn, d, event.time)
    rule = _rule(ctx)
    for person_id in sorted(set(d.attended_person_ids) & active.keys()):
        row = active[person_id]
        rec = await _record(ctx.conn, row, rule)
        if not rec.shortfall:
            await _completed(ctx, row, rec, rule, event.time)


async def on_lapse_due(ctx: TimerContext) -> None:
    """The window has ended. Decided as of the due time (it may fire later: a replay holds timers)
    by the sessions held within the window and recorded by then: a parent whose sessions meet the
    rule is reported complete, never as having failed; otherwise what was done is reported."""
    row = await store.get(ctx.conn, ctx.timer.key)
    if row is None or row.status != "active":
        return  # completed or withdrawn meanwhile
    rule, at = _rule(ctx), ctx.timer.due_at
    rec = await _record(ctx.conn, row, rule, recorded_by=at)
    if not rec.shortfall:
        await _completed(ctx, row, rec, rule, at)
        return
    await store.close(ctx.conn, row.referral_id, "not_completed", at)
    await ctx.emit(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED, R.NonCompletionReported(
        referral_id=row.referral_id, case_number=row.case_number, person_id=row.person_id,
        elearning_completed=False, workshop_attended=False, reported_on=uk_date(at), programme="cppp", cppp=rec))
    await _report(ctx, row, "cppp_not_completed", rec, rule)
    await outcomes.referral_ended(ctx, row, "not_completed", at)


async def _record(conn: asyncpg.Connection, row, rule: cppp.Rule, recorded_by: datetime | None = None):
    sessions = await store_cppp.sessions(conn, row.case_number, row.person_id, recorded_by)
    return cppp.record(sessions, row.referred_on, rule, row.cppp_started_on is not None)


async def _completed(ctx, row, rec, rule: cppp.Rule, at: datetime) -> None:
    await store.close(ctx.conn, row.referral_id, "completed", at)
    await timers.cancel(ctx.conn, LAPSE, row.referral_id, at)
    await ctx.emit(T.REFERRAL_EVENTS, R.COMPLETED, R.ReferralCompleted(
        referral_id=row.referral_id, case_number=row.case_number, person_id=row.person_id,
        programme="cppp", cppp=rec), subject=row.case_number)
    await _report(ctx, row, "cppp_completed", rec, rule)
    await outcomes.referral_ended(ctx, row, "completed", at)


async def _report(ctx, row, template: str, rec, rule: cppp.Rule) -> None:
    """One parent's own sessions: `about` lets notifications name them; nothing of the other parent."""
    for contact_id in cppp.recipients(row.referral_id, row.cppp_proceedings, row.has_court_email):
        await ctx.request_email(
            template, contact_id,
            {"case_number": row.case_number, "about": row.person_id, **cppp.report_context(rec, rule)},
            subject=row.case_number)
