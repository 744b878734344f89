"""`plan.shared`: recorded, published, and the plan sent on by a download link (plans.delivery).

A mediator, FCA or court with a valid address gets an email with a link to the plan. Children
are never emailed: a share with them sends the sharing parent a link to the child-friendly
version, to give them. The published fact says who it went to, never the terms or an address.
"""
from __future__ import annotations

from contracts import plan as P
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.addresses import email_ok
from ptfc.kit.handling import Context
from services.plans import delivery, store
from services.plans.domain import links


async def shared(ctx: Context, row, event: CloudEvent[P.PlanShared]) -> None:
    case, person, with_ = row.case_number, row.person_id, event.data.with_
    emailed = with_ in links.PROFESSIONALS and email_ok(event.data.email)
    await store.add_share(ctx.conn, case, person, with_, emailed, event.id, event.time)
    if emailed:
        await delivery.to_professional(ctx, row, with_, event.data.email)
    elif with_ == "children":
        await delivery.to_parent(ctx, case, person, "children")
    await ctx.emit(T.PLANS_EVENTS, P.PLAN_SHARED, P.PlanSharedFact.model_validate(
        {"case_number": case, "person_id": person, "with": with_, "emailed": emailed}), subject=case)
