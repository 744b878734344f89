"""Reporting subscribers: other services' facts (and the Parent Hub's workshop feedback) into the
KPI read model. Thin: each keeps the ids, dates and booleans the report needs, nothing else.
Every route is non-strict: a type the report does not need is someone else's, and skipped."""
from __future__ import annotations


from faststream.kafka import KafkaRouter

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit.calendar import uk_date
from ptfc.kit.handling import Context, Route, batched
from ptfc.kit.subscribe import subscribe
from services.reporting import store
from services.reporting.domain import measures
from services.reporting.deadletters import subscribe_dead_letters


# The facts a rebuild reads by the ten thousand are set-based (@batched: one statement per run);
# the rarer ones stay one at a time.

@batched
async def on_accepted(ctxs: list[Context]) -> None:
    await store.add_referrals(ctxs[0].conn, [c.event.data for c in ctxs])


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


@batched
async def on_elearning_completed(ctxs: list[Context]) -> None:
    await store.elearning_completed(ctxs[0].conn, [(c.event.data.person_id, c.event.data.completed_at) for c in ctxs])


async def on_certificate(ctx: Context, event: CloudEvent[L.CertificateIssued]) -> None:
    await store.certificate_issued(ctx.conn, event.data.person_id)


@batched
async def on_feedback(ctxs: list[Context]) -> None:
    """Workshop feedback as learning accepted it: the three answers the figures count, no more."""
    await store.surveys(ctxs[0].conn, [(d.person_id, d.submitted_at, measures.Survey(
        d.clearer_understanding, d.child_at_centre, d.satisfaction >= measures.HIGH_SATISFACTION))
        for d in (c.event.data for c in ctxs)])


@batched
async def on_attended(ctxs: list[Context]) -> None:
    await store.attended(ctxs[0].conn, [(c.event.data.person_id, c.event.data.attended_on) for c in ctxs])


def _follow_up(column: str):
    async def handler(ctx: Context, event: CloudEvent) -> None:
        await store.follow_up(ctx.conn, event.data.person_id, event.data.session_id, column)
    handler.__name__ = f"on_follow_up_{column}"
    return handler


@batched
async def on_plan_viewed(ctxs: list[Context]) -> None:
    await store.plan_activity(ctxs[0].conn, [c.event.data.person_id for c in ctxs])


async def on_plan_opened(ctx: Context, event: CloudEvent[P.PlanOpenedFact]) -> None:
    await store.plan_activity(ctx.conn, [event.data.opened_by])


async def on_area_updated(ctx: Context, event: CloudEvent[P.PlanAreaUpdated]) -> None:
    """A proposal or a response: the parent started the plan."""
    await store.plan_activity(ctx.conn, [event.data.person_id])


async def on_plan_completed(ctx: Context, event: CloudEvent[P.PlanCompleted]) -> None:
    await store.plan_completed(ctx.conn, event.data.case_number)


# Every fact lands in a table of its own with an idempotent, order-free upsert (first, last by event
# time, or a flag): the model is the same whatever order they are applied in, so runs may regroup.
ROUTES = {
    T.REFERRAL_EVENTS: Route({R.ACCEPTED: on_accepted, R.REJECTED: on_rejected, R.WITHDRAWAL_ACCEPTED: on_withdrawn,
                              R.COMPLETED: on_completed, R.NON_COMPLETION_REPORTED: on_non_completion},
                             commutative=True),
    T.LEARNING_EVENTS: Route({L.ELEARNING_COMPLETED: on_elearning_completed, L.CERTIFICATE_ISSUED: on_certificate,
                              L.FEEDBACK_RECORDED: on_feedback}, commutative=True),
    T.WORKSHOPS_EVENTS: Route({W.PARENT_ATTENDED: on_attended, W.FOLLOW_UP_DUE: _follow_up("due"),
                               W.FOLLOW_UP_OUTCOME_RECORDED: _follow_up("done"),
                               W.FOLLOW_UP_OVERDUE: _follow_up("overdue")}, commutative=True),
    T.PLANS_EVENTS: Route({P.PLAN_VIEWED: on_plan_viewed, P.PLAN_OPENED: on_plan_opened,
                           P.AREA_UPDATED: on_area_updated, P.PLAN_COMPLETED: on_plan_completed},
                          commutative=True),
}


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, ROUTES,
              "The facts the KPI report counts: referrals and their outcomes, e-learning, attendance, "
              "follow-up calls, parenting plans, and workshop feedback (three answers, as learning accepted it).")
    subscribe_dead_letters(router, svc)
    return router
