"""`plan.shared`: recorded, published, and (optionally) announced by email to a professional.

The email only says that a plan was shared and how far it has got: the terms stay in the Hub.
The recipient's address goes to notifications (its sensitive topic) and is never kept here.
"""
from __future__ import annotations

from ptfc.kit.addresses import email_ok

from contracts import notification as N
from contracts import plan as P
from contracts import topics as T
from contracts.envelope import CloudEvent
from ptfc.kit.handling import Context
from services.plans import domain, store

TEMPLATE = "plan_shared"
# Professionals only: children are never emailed from here.
ROLES = {"fca": ("fca", "Family Court Adviser"), "court": ("court", "Family Court"),
         "mediator": ("mediator", "Mediator")}


async def shared(ctx: Context, row, event: CloudEvent[P.PlanShared]) -> None:
    case, person, with_ = row["case_number"], row["person_id"], event.data.with_
    emailed = with_ in ROLES and email_ok(event.data.email)
    await store.add_share(ctx.conn, case, person, with_, emailed, event.id, event.time)
    if emailed:
        role, name = ROLES[with_]
        contact_id = f"plan-share:{event.id}"
        # Contact first: same key (the case), same relay order, so notifications knows it in time.
        await ctx.emit(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED, N.ContactRecorded(
            contact_id=contact_id, role=role, name=name, email=event.data.email), subject=case)
        areas = await store.areas(ctx.conn, case)
        decided = sum(1 for a in areas.values() if a.state in domain.FINAL)
        await ctx.emit(T.NOTIFICATIONS_REQUESTS, N.REQUESTED, N.NotificationRequested(
            template=TEMPLATE, contact_id=contact_id,
            context={"case_number": case, "about": person, "decided": decided, "areas": len(domain.AREAS)}),
            subject=case)
    await ctx.emit(T.PLANS_EVENTS, P.PLAN_SHARED, P.PlanSharedFact.model_validate(
        {"case_number": case, "person_id": person, "with": with_, "emailed": emailed}), subject=case)
