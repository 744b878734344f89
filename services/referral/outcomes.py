"""Facts from learning and workshops that decide what the FCA and court are told."""
from __future__ import annotations

from datetime import datetime

from contracts import learning as L
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit import timers
from ptfc.kit.calendar import long_date, uk_date
from ptfc.kit.erasure import erase_kept
from ptfc.kit.handling import Context
from ptfc.kit.timers import TimerContext
from services.referral import store
from services.referral.domain import progress
from services.referral.records import Referral

NON_COMPLETION = "non-completion-check"
RETENTION = "retention-erasure"


async def tell_fca_and_court(ctx, row: Referral, template: str, context: dict, court_too: bool = True) -> None:
    """`about` lets notifications name the parent without the name ever passing through here."""
    for contact_id in progress.recipients(row.referral_id, court_too and row.has_court_email):
        await ctx.request_email(template, contact_id,
                                {"case_number": row.case_number, "about": row.person_id, **context},
                                subject=row.case_number)


async def referral_ended(ctx, row: Referral, status: str, at) -> None:
    """The lot's partner stops contacting the parent, and the clock of their data's retention starts."""
    await ctx.emit(T.partner_handoff(row.lot), R.PARENT_CLOSED, R.ParentClosed(
        referral_id=row.referral_id, person_id=row.person_id, status=status), subject=row.case_number)
    due = progress.erasure_due(uk_date(at), ctx.service.config.personal_data_retention_months)
    if due is not None:
        await timers.schedule(ctx.conn, RETENTION, row.referral_id, row.case_number, due,
                              {"person_id": row.person_id, "closed_at": at.isoformat()})


async def on_retention_due(ctx: TimerContext) -> None:
    person_id, closed_at = ctx.timer.payload["person_id"], datetime.fromisoformat(ctx.timer.payload["closed_at"])
    active, last_closed_at = await store.latest_activity(ctx.conn, person_id)
    if progress.erase_on_retention(active, last_closed_at, closed_at):
        await ctx.emit(T.REFERRAL_EVENTS, R.PERSON_ERASED, R.PersonErased(person_id=person_id, cause="retention"))
        await erase_kept(ctx.conn, person_id)


async def schedule_non_completion(conn, accepted: list[R.ReferralAccepted], deadline_days: int) -> None:
    await timers.schedule_many(conn, [(NON_COMPLETION, a.referral_id, a.case_number,
                                       progress.non_completion_due(a.referred_on, deadline_days), None)
                                      for a in accepted])


async def counts_for(conn, person_id: str) -> Referral | None:
    """Read, then decide: the referral a learning or workshop fact about this parent is a stage of
    (store.active_referrals locks the candidates: the caller writes the chosen row under that lock)."""
    return progress.referral_a_fact_counts_for(await store.active_referrals(conn, person_id), "ptfc")


async def record_stage(conn, row: Referral, column: str, value) -> None:
    """Decide, then write: the first value reported stands (progress.first_value_wins)."""
    current = getattr(row, column)
    if progress.first_value_wins(current, value) != current:
        await store.set_stage(conn, row.referral_id, column, value)


async def on_elearning_completed(ctx: Context, event: CloudEvent[L.ElearningCompleted]) -> None:
    row = await counts_for(ctx.conn, event.data.person_id)
    if row is not None:
        await record_stage(ctx.conn, row, "elearning_completed_on", uk_date(event.data.completed_at))


async def on_parent_attended(ctx: Context, event: CloudEvent[W.ParentAttended]) -> None:
    row = await counts_for(ctx.conn, event.data.person_id)
    if row is not None:
        await record_stage(ctx.conn, row, "workshop_attended_on", event.data.attended_on)


async def on_certificate_issued(ctx: Context, event: CloudEvent[L.CertificateIssued]) -> None:
    """Both stages done: Cafcass reads `completed`, the FCA and court get an email."""
    d = event.data
    row = await counts_for(ctx.conn, d.person_id)
    if row is None:
        return  # withdrawn or already reported: learning only certifies accepted referrals
    await store.complete(ctx.conn, row.referral_id, d.certificate_number, d.elearning_completed_on,
                         d.workshop_attended_on, event.time)
    await timers.cancel(ctx.conn, NON_COMPLETION, row.referral_id, event.time)
    await ctx.emit(T.REFERRAL_EVENTS, R.COMPLETED, R.ReferralCompleted(
        referral_id=row.referral_id, case_number=row.case_number, person_id=d.person_id,
        elearning_completed_on=d.elearning_completed_on, workshop_attended_on=d.workshop_attended_on,
        certificate_number=d.certificate_number), subject=row.case_number)
    await tell_fca_and_court(ctx, row, "referral_completed", {
        "elearning_completed_on": long_date(d.elearning_completed_on),
        "workshop_attended_on": long_date(d.workshop_attended_on),
        "certificate_number": d.certificate_number})
    await referral_ended(ctx, row, "completed", event.time)


async def on_safeguarding_concern_recorded(ctx: Context, event: CloudEvent[W.SafeguardingConcernRecorded]) -> None:
    """The FCA is told at once, with no detail; the court and the other parent are not."""
    row = await counts_for(ctx.conn, event.data.person_id)
    if row is None:
        return
    await record_stage(ctx.conn, row, "concern_raised_at", event.time)
    await tell_fca_and_court(ctx, row, "referral_safeguarding_concern", {}, court_too=False)


async def on_non_completion_due(ctx: TimerContext) -> None:
    """Day 42 has passed: if a stage is still missing, the FCA and court are told what was done.

    As of the due time, though it may fire later (a replay holds timers): the service keeps
    programme order (ptfc/kit/ordering.py), so every fact of the case from after the due time
    (a late workshop, a certificate, a withdrawal) waits until this has fired, and the stages
    read here are exactly those whose facts' own time is at or before it."""
    row = await store.get(ctx.conn, ctx.timer.key)
    stages = progress.Stages(row.elearning_completed_on, row.workshop_attended_on) if row else None
    if row is None or not progress.report_non_completion(row.status, stages, row.programme):
        return
    await store.close(ctx.conn, row.referral_id, "not_completed", ctx.timer.due_at)
    await ctx.emit(T.REFERRAL_EVENTS, R.NON_COMPLETION_REPORTED, R.NonCompletionReported(
        referral_id=row.referral_id, case_number=row.case_number, person_id=row.person_id,
        elearning_completed=stages.elearning_completed_on is not None,
        workshop_attended=stages.workshop_attended_on is not None,
        reported_on=uk_date(ctx.timer.due_at)))
    await tell_fca_and_court(ctx, row, "referral_non_completion", {
        "elearning_completed": stages.elearning_completed_on is not None,
        "workshop_attended": stages.workshop_attended_on is not None})
    await referral_ended(ctx, row, "not_completed", ctx.timer.due_at)
