"""Plans subscribers: the Parent Hub's plan tool, and the referral and workshop facts that decide
who may negotiate a plan and when it closes."""
from __future__ import annotations


from faststream.kafka import KafkaRouter

from contracts import notification as N
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import CloudEvent
from ptfc.kit.erasure import erase_kept
from ptfc.kit.handling import Context, Route
from ptfc.kit.subscribe import publishes, subscribe
from services.plans import negotiation, store, store_links
from services.plans.domain import agreement


async def on_referral_accepted(ctx: Context, event: CloudEvent[R.ReferralAccepted]) -> None:
    await store.upsert_parent(ctx.conn, event.data, event.time)


async def on_withdrawal_accepted(ctx: Context, event: CloudEvent[R.WithdrawalAccepted]) -> None:
    """The plan stays as it is; the parent simply can no longer submit to it."""
    await store.withdraw(ctx.conn, event.data.person_id, event.data.referral_id)


async def on_concern_recorded(ctx: Context, event: CloudEvent[W.SafeguardingConcernRecorded]) -> None:
    """Close the case's plan. The fact carries no reason, and no parent is emailed about it."""
    person_id = event.data.person_id
    # Kept even for a parent not known yet: it must still stop a plan from opening later.
    await store.add_concern(ctx.conn, person_id, event.time)
    row = await store.parent(ctx.conn, person_id)
    if row is None or not agreement.concern_counts(event.time, row.accepted_at):
        return
    case = row.case_number
    await store.lock_case(ctx.conn, case)
    plan = await store.plan(ctx.conn, case)
    if plan is None or plan.status == "closed":
        return
    await store.set_status(ctx.conn, case, "closed", event.time)
    await store_links.revoke_case(ctx.conn, case, event.time)  # links out there stop working too
    await ctx.emit(T.PLANS_EVENTS, P.PLAN_CLOSED, P.PlanClosed(case_number=case), subject=case)


async def on_person_erased(ctx: Context, event: CloudEvent[R.PersonErased]) -> None:
    await store.erase_terms(ctx.conn, event.data.person_id)
    await store_links.revoke_held_by(ctx.conn, event.data.person_id, event.time)
    await erase_kept(ctx.conn, event.data.person_id)


PARTNER_ROUTES = {P.OPENED: negotiation.on_opened, P.PROPOSAL_SUBMITTED: negotiation.on_proposal_submitted,
                  P.RESPONSE_SUBMITTED: negotiation.on_response_submitted, P.SHARED: negotiation.on_shared,
                  P.VIEWED: negotiation.on_viewed, P.FINISHED: negotiation.on_finished}
OUTBOUND = [  # the types this service publishes on its facts topic (AsyncAPI)
    P.PLAN_OPENED, P.OPENING_REFUSED, P.AREA_UPDATED, P.PLAN_COMPLETED, P.PLAN_SHARED, P.PLAN_CLOSED,
    P.PLAN_VIEWED, P.PLAN_FINISHED,
]


def build_router(svc) -> KafkaRouter:
    router = KafkaRouter()
    subscribe(router, svc, {
        T.PARTNER_PLANS: Route(PARTNER_ROUTES, strict=True),
        T.REFERRAL_EVENTS: Route({R.ACCEPTED: on_referral_accepted, R.WITHDRAWAL_ACCEPTED: on_withdrawal_accepted,
                                  R.PERSON_ERASED: on_person_erased}),
        T.WORKSHOPS_EVENTS: Route({W.SAFEGUARDING_CONCERN_RECORDED: on_concern_recorded}),
    }, "The Parent Hub's parenting-plan tool, accepted and withdrawn referrals, and "
                      "safeguarding concerns (which close the case's plan).")
    publishes(router, svc, T.PLANS_EVENTS, OUTBOUND,
              "Plan facts: viewed, opened, refused, areas and decisions (never terms), completed, "
              "finished with what is agreed, shared, closed.")
    publishes(router, svc, T.NOTIFICATIONS_REQUESTS, [N.CONTACT_RECORDED, N.REQUESTED],
              "Download links to a plan: to its parents, and to the mediator, FCA or court it was shared "
              "with (sensitive; read only by notifications).")
    return router
