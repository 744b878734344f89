"""Reporting subscribers: other services' facts (and the Parent Hub's workshop feedback) into the
KPI read model. Thin: each keeps the ids, dates and booleans the report needs, nothing else.
Every route is non-strict: a type the report does not need is someone else's, and skipped."""
from __future__ import annotations

from typing import Union

from faststream.kafka import KafkaRouter

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit.calendar import uk_date
from ptfc.kit.handling import Context, Route
from ptfc.kit.subscribe import publishes, subscribe
from services.reporting import domain, store
from services.reporting.deadletters import subscribe_dead_letters


async def on_accepted(ctx: Context, event: CloudEvent[R.ReferralAccepted]) -> None:
    await store.add_referral(ctx.conn, event.data)


async def on_rejected(ctx: Context, event: CloudEvent[R.ReferralRejected]) -> None:
    """Counted on the UK date the referral was rejected (it has no day 0)."""
    codes = sorted({r.code for r in event.data.reasons})
    await store.add_rejection(ctx.conn, event.data.referral_id, uk_date(event.time), codes)


async def on_withdrawn(ctx: Context, event: CloudEvent[R.WithdrawalAccepted]) -> None:
    await store.add_outcome(ctx.conn, event.data.referral_id, "withdrawn")


async def on_completed(ctx: Context, event: CloudEvent[R.ReferralCompleted]) -> None:
    await store.add_outcome(ctx.conn, event.data.referral_id, "completed")


async def on_non_completion(ctx: Context, event: CloudEvent[R.NonCompletionReported]) -> None:
    await store.add_outcome(ctx.conn, event.data.referral_id, "not_completed")


async def on_elearning_completed(ctx: Context, event: CloudEvent[L.ElearningCompleted]) -> None:
    await store.elearning_completed(ctx.conn, event.data.person_id, event.data.completed_at)


async def on_certificate(ctx: Context, event: CloudEvent[L.CertificateIssued]) -> None:
    await store.certificate_issued(ctx.conn, event.data.person_id)


async def on_survey(ctx: Context, event: CloudEvent[L.SurveySubmitted]) -> None:
    """Only workshop feedback, only its three booleans; answers learning refuses are not counted."""
    if event.data.survey != "workshop-feedback":
        return
    survey = domain.survey_of(event.data.answers)
    if survey is not None:
        await store.survey(ctx.conn, event.data.person_id, event.time, survey)


async def on_attended(ctx: Context, event: CloudEvent[W.ParentAttended]) -> None:
    await store.attended(ctx.conn, event.data.person_id, event.data.attended_on)


def _follow_up(column: str):
    async def handler(ctx: Context, event: CloudEvent) -> None:
        await store.follow_up(ctx.conn, event.data.person_id, event.data.session_id, column)
    handler.__name__ = f"on_follow_up_{column}"
    return handler


async def on_plan_viewed(ctx: Context, event: CloudEvent[P.PlanViewedFact]) -> None:
    await store.plan_activity(ctx.conn, event.data.person_id)


async def on_plan_opened(ctx: Context, event: CloudEvent[P.PlanOpenedFact]) -> None:
    await store.plan_activity(ctx.conn, event.data.opened_by)


async def on_area_updated(ctx: Context, event: CloudEvent[P.PlanAreaUpdated]) -> None:
    """A proposal or a response: the parent started the plan."""
    await store.plan_activity(ctx.conn, event.data.person_id)


async def on_plan_completed(ctx: Context, event: CloudEvent[P.PlanCompleted]) -> None:
    await store.plan_completed(ctx.conn, event.data.case_number)


ROUTES = {
    T.REFERRAL_EVENTS: Route({R.ACCEPTED: on_accepted, R.REJECTED: on_rejected, R.WITHDRAWAL_ACCEPTED: on_withdrawn,
                              R.COMPLETED: on_completed, R.NON_COMPLETION_REPORTED: on_non_completion}),
    T.LEARNING_EVENTS: Route({L.ELEARNING_COMPLETED: on_elearning_completed, L.CERTIFICATE_ISSUED: on_certificate}),
    T.WORKSHOPS_EVENTS: Route({W.PARENT_ATTENDED: on_attended, W.FOLLOW_UP_DUE: _follow_up("due"),
                               W.FOLLOW_UP_OUTCOME_RECORDED: _follow_up("done"),
                               W.FOLLOW_UP_OVERDUE: _follow_up("overdue")}),
    T.PLANS_EVENTS: Route({P.PLAN_VIEWED: on_plan_viewed, P.PLAN_OPENED: on_plan_opened,
                           P.AREA_UPDATED: on_area_updated, P.PLAN_COMPLETED: on_plan_completed}),
    # Learning owns the Parent Hub's topic and dead-letters what it refuses; here it is only read.
    T.PARTNER_LEARNING: Route({L.SURVEY_SUBMITTED: on_survey}, observer=True),
}
Inbound = Union[CloudEvent[R.ReferralAccepted], CloudEvent[R.ReferralRejected], CloudEvent[R.WithdrawalAccepted],
                CloudEvent[R.ReferralCompleted], CloudEvent[R.NonCompletionReported],
                CloudEvent[L.ElearningCompleted], CloudEvent[L.CertificateIssued], CloudEvent[L.SurveySubmitted],
                CloudEvent[W.ParentAttended], CloudEvent[W.FollowUpDue], CloudEvent[W.FollowUpOutcomeRecorded],
                CloudEvent[W.FollowUpOverdue], CloudEvent[P.PlanViewedFact], CloudEvent[P.PlanOpenedFact],
                CloudEvent[P.PlanAreaUpdated], CloudEvent[P.PlanCompleted]]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, ROUTES, list[Inbound],
              "The facts the KPI report counts: referrals and their outcomes, e-learning, attendance, "
              "follow-up calls, parenting plans, and the Parent Hub's workshop feedback.")
    publishes(router, svc, T.DEADLETTER, bytes, "Refused input, copied unchanged; reason in headers.")
    subscribe_dead_letters(router, svc)
    return router
