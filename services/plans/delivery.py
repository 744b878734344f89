"""How a plan leaves the system: a download link per recipient, and the email that carries it.

Parents get a link to both versions (the plan and the child-friendly one) when their plan is
completed or finished, when they share it with their children (children are never emailed: the
parent gives them the child-friendly version) and when they ask again. A mediator, FCA or court a
parent shared the plan with gets a link to the plan itself. Each link is its own, so one can be
revoked without the others; only its hash is kept here, and the email request carrying it goes
to notifications on its sensitive topic.
"""
from __future__ import annotations

from contracts import notification as N
from contracts import topics as T
from ptfc.kit.calendar import long_date, uk_date
from ptfc.kit.handling import Context
from services.plans import store, store_links
from services.plans.domain import agreement, links

FOR_PARENT, FOR_PROFESSIONAL = "plan_for_parent", "plan_share_link"
ROLES = {"fca": "Family Court Adviser", "court": "Family Court", "mediator": "Mediator"}


def base_url(svc) -> str:
    """PLANS_PUBLIC_URL; unset, this instance's own address (right for `make run` only)."""
    return svc.config.plans_public_url or f"http://{svc.settings.http_host}:{svc.http_port}"


async def _issue(ctx: Context, case: str, audience: str, person: str) -> dict:
    # A link lives from when it is sent, not from the event's own time: a back-dated replay or
    # the demo must not email links that are dead on arrival.
    issued = max(ctx.event.time, ctx.service.clock.now())
    link = links.new_link(issued, ctx.service.config.plan_link_ttl_days)
    await store_links.add_link(ctx.conn, link, case, audience, person, ctx.event.id)
    areas = await store.areas(ctx.conn, case)
    base = base_url(ctx.service)
    context = {"case_number": case, "plan_link": links.url(base, link.token, links.PLAN),
               "expires_at": long_date(uk_date(link.expires_at)), "areas": len(agreement.AREAS),
               "agreed": sum(1 for a in areas.values() if a.state == "agreed")}
    if links.may_fetch(audience, links.CHILD):
        context["child_link"] = links.url(base, link.token, links.CHILD)
    return context


async def to_parent(ctx: Context, case: str, person: str, occasion: str) -> None:
    """`occasion`: completed | finished | children | again (what the email says first)."""
    context = await _issue(ctx, case, links.PARENT, person)
    # The parent's contact is their person id, recorded by the referral service.
    await ctx.request_email(FOR_PARENT, person, {**context, "occasion": occasion}, subject=case)


async def to_parents(ctx: Context, case: str, occasion: str) -> None:
    for parent in await store.case_parents(ctx.conn, case):
        if parent.active:  # a withdrawn parent is no longer part of the plan
            await to_parent(ctx, case, parent.person_id, occasion)


async def to_professional(ctx: Context, row, with_: str, email: str) -> None:
    """The contact first: same key (the case), same relay order, so notifications knows it in time.
    The address goes to notifications only; it is never kept here."""
    case, person = row.case_number, row.person_id
    context = await _issue(ctx, case, with_, person)
    contact_id = f"plan-share:{ctx.event.id}"
    await ctx.emit(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED, N.ContactRecorded(
        contact_id=contact_id, role=with_, name=ROLES[with_], email=email, programme=row.programme,
        route=row.route), subject=case)
    await ctx.request_email(FOR_PROFESSIONAL, contact_id, {**context, "about": person}, subject=case)
