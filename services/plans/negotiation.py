"""The Parent Hub's plan events: open, propose, respond, finish, share.

Every handler locks the case first: the two parents' events share a Kafka key (the case), but
replicas or a mis-keyed partner must still not interleave two decisions about one plan.
"""
from __future__ import annotations

from contracts import plan as P
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.handling import Context
from ptfc.kit import parents
from ptfc.kit.deadletter import DeadLetter
from services.plans import delivery, sharing, store
from services.plans.domain import agreement


async def _parent(ctx: Context, person_id: str):
    """The submitting parent: accepted, not withdrawn, writing about their own case."""
    row = parents.accepted(await store.parent(ctx.conn, person_id), lambda row: row.active)
    if ctx.event.subject != row.case_number:
        raise DeadLetter("subject is not the case number of this person_id's referral")
    await store.lock_case(ctx.conn, row.case_number)
    return row


async def _open_plan(ctx: Context, case_number: str, action: str):
    plan = await store.plan(ctx.conn, case_number)
    refused = agreement.status_refusal(plan.status if plan else None, action)
    if refused:
        raise DeadLetter(refused)
    return plan


async def on_viewed(ctx: Context, event: CloudEvent[P.PlanViewed]) -> None:
    """Counted once per parent: the report asks who viewed or started a plan, not how often."""
    row = await _parent(ctx, event.data.person_id)
    if await store.add_view(ctx.conn, row.person_id, event.time):
        await ctx.emit(T.PLANS_EVENTS, P.PLAN_VIEWED, P.PlanViewedFact(
            case_number=row.case_number, person_id=row.person_id), subject=row.case_number)


async def on_opened(ctx: Context, event: CloudEvent[P.PlanOpened]) -> None:
    row = await _parent(ctx, event.data.person_id)
    case = row.case_number
    plan = await store.plan(ctx.conn, case)
    if plan is not None:
        if plan.status == "closed":
            raise DeadLetter("plan closed")
        return  # already open (e.g. the other parent opened it first): one plan per case
    parents = await store.case_parents(ctx.conn, case)
    concern = any(agreement.concern_counts(raised, accepted)
                  for raised, accepted in await store.concerns_for_case(ctx.conn, case))
    refusal = agreement.opening_refusal(parents, concern)
    if refusal is not None:
        # A fact, not a dead letter: the Hub must tell the parent, and a dead letter would
        # discard it. The reason is generic so that no concern can be inferred from it.
        await ctx.emit(T.PLANS_EVENTS, P.OPENING_REFUSED, P.PlanOpeningRefused(
            case_number=case, person_id=row.person_id, reason=refusal), subject=case)
        return
    await store.open_plan(ctx.conn, case, row.person_id, event.time)
    await ctx.emit(T.PLANS_EVENTS, P.PLAN_OPENED, P.PlanOpenedFact(
        case_number=case, opened_by=row.person_id, person_ids=[p.person_id for p in parents if p.active]),
        subject=case)


async def _apply(ctx: Context, row, decide) -> dict[str, agreement.Area]:
    """Run one submission through the domain, keep its history, publish areas and decisions."""
    case, person = row.case_number, row.person_id
    await _open_plan(ctx, case, "submit")
    try:
        new, steps = decide(await store.areas(ctx.conn, case))
    except agreement.Refused as exc:
        raise DeadLetter(exc.reason) from None
    ev = ctx.event
    await store.save_steps(ctx.conn, case, person, new, steps, ev.source, ev.id, ev.time)
    for s in steps:  # no terms: they are the parents' private negotiation
        await ctx.emit(T.PLANS_EVENTS, P.AREA_UPDATED, P.PlanAreaUpdated(
            case_number=case, area=s.area, person_id=person, action=s.action, state=s.state,
            final=s.final), subject=case)
    return new


async def on_proposal_submitted(ctx: Context, event: CloudEvent[P.ProposalSubmitted]) -> None:
    row = await _parent(ctx, event.data.person_id)
    items = [(p.area, p.terms) for p in event.data.proposals]
    await _apply(ctx, row, lambda areas: agreement.propose(areas, row.person_id, items))


async def on_response_submitted(ctx: Context, event: CloudEvent[P.ResponseSubmitted]) -> None:
    row = await _parent(ctx, event.data.person_id)
    items = [(r.area, r.decision, r.terms) for r in event.data.responses]
    new = await _apply(ctx, row, lambda areas: agreement.respond(areas, row.person_id, items))
    if agreement.complete(new):
        # Only a response can make the last decision final, and only an open plan gets here,
        # so the completion fact is published once.
        case = row.case_number
        await store.set_status(ctx.conn, case, "completed", event.time)
        await ctx.emit(T.PLANS_EVENTS, P.PLAN_COMPLETED, P.PlanCompleted(
            case_number=case, decisions=agreement.decisions(new)), subject=case)
        await delivery.to_parents(ctx, case, "completed")


async def on_finished(ctx: Context, event: CloudEvent[P.PlanFinished]) -> None:
    """Finished with what is agreed: the open areas stay open, and the plan takes no more
    submissions. Both parents get their download links. Asked again of a finished or completed
    plan, it changes nothing and sends this parent a fresh link (the last one may have expired)."""
    row = await _parent(ctx, event.data.person_id)
    case, person = row.case_number, row.person_id
    plan = await store.plan(ctx.conn, case)
    areas = await store.areas(ctx.conn, case)
    refused = agreement.finish_refusal(plan.status if plan else None, areas)
    if refused:
        raise DeadLetter(refused)
    if plan.status != "open":
        await delivery.to_parent(ctx, case, person, "again")
        return
    await store.set_status(ctx.conn, case, "finished", event.time, by=person)
    await ctx.emit(T.PLANS_EVENTS, P.PLAN_FINISHED, P.PlanFinishedFact(
        case_number=case, person_id=person, areas=agreement.states(areas)), subject=case)
    await delivery.to_parents(ctx, case, "finished")


async def on_shared(ctx: Context, event: CloudEvent[P.PlanShared]) -> None:
    row = await _parent(ctx, event.data.person_id)
    await _open_plan(ctx, row.case_number, "share")
    await sharing.shared(ctx, row, event)
