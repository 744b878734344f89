"""CPPP intake: a parent's consent, the Guardian's contact, and the programme's start once both
parents of the case have consented. Called from the set-based intake handler, one acceptance at a
time in order, over what the run started from (`Cases`), so a run decides what single events would."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import asyncpg

from contracts import notification as N
from contracts import referral as R
from contracts import topics as T
from ptfc.kit import timers
from ptfc.kit.calendar import uk_date
from ptfc.kit.handling import Context
from services.referral import store_cppp
from services.referral.domain import cppp

LAPSE = "cppp-lapse"


@dataclass
class Parent:
    referral_id: str
    co_parents: frozenset[str]
    day0: date
    started_on: date | None


@dataclass
class Cases:
    """Each case's active CPPP parents (person_id -> Parent), and the starts decided in this run."""

    parents: dict[str, dict[str, Parent]]
    started: dict[str, date] = field(default_factory=dict)  # referral_id -> day the programme started

    @staticmethod
    async def load(conn: asyncpg.Connection, requests: list[R.ReferralRequested]) -> Cases:
        cases = sorted({r.case_number for r in requests if r.programme == "cppp"})
        out: dict[str, dict[str, Parent]] = {c: {} for c in cases}
        for row in (await store_cppp.active_by_case(conn, cases)) if cases else []:
            out[row.case_number][row.person_id] = Parent(
                row.referral_id, frozenset(row.co_parent_person_ids), row.referred_on, row.cppp_started_on)
        return Cases(out)


async def record_guardian(ctx: Context, req: R.ReferralRequested) -> None:
    """Rule 16.4: the child's Guardian receives the parent's report (contact kept by notifications)."""
    g = req.cppp.guardian if req.cppp else None
    if g is not None:
        await ctx.emit(T.NOTIFICATIONS_REQUESTS, N.CONTACT_RECORDED, N.ContactRecorded(
            contact_id=f"guardian:{req.referral_id}", role="guardian", name=g.name, email=g.email,
            programme="cppp", route=req.route))


async def consented(ctx: Context, cases: Cases, accepted: R.ReferralAccepted, rule: cppp.Rule) -> None:
    """The parent's consent counts; once both parents have consented, the programme starts for
    each and both are told. Until then the parent is thanked and told it waits for both."""
    case = cases.parents.setdefault(accepted.case_number, {})
    case[accepted.person_id] = Parent(accepted.referral_id, frozenset(accepted.co_parent_person_ids),
                                      accepted.referred_on, None)
    fresh = [(p, x) for p, x in case.items() if x.started_on is None]
    if not cppp.started({p: x.co_parents for p, x in case.items()}):
        await _tell(ctx, accepted.person_id, "cppp_waiting", accepted.case_number, accepted.referred_on, rule)
        return
    today = uk_date(ctx.event.time)
    for person_id, parent in sorted(fresh, key=lambda px: px[0]):
        parent.started_on = cases.started[parent.referral_id] = today
        await _tell(ctx, person_id, "cppp_started", accepted.case_number, parent.day0, rule)


async def _tell(ctx: Context, person_id: str, template: str, case_number: str, day0: date, rule: cppp.Rule) -> None:
    await ctx.request_email(template, person_id, {"case_number": case_number, **cppp.parent_context(day0, rule)},
                            subject=case_number)


async def finish(conn: asyncpg.Connection, cases: Cases, accepted: list[R.ReferralAccepted], rule: cppp.Rule) -> None:
    """After the run's referrals are stored: the starts, and each new parent's lapse timer at the
    end of their window (from day 0, the referral event's own time)."""
    await store_cppp.mark_started(conn, cases.started)
    await timers.schedule_many(conn, [(LAPSE, a.referral_id, a.case_number, cppp.lapse_due(a.referred_on, rule), None)
                                      for a in accepted if a.programme == "cppp"])
