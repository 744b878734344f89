"""Referral intake rules: pure decisions, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.referral import Needs, ParentReferred, Reason, ReferralAccepted, ReferralRejected, ReferralRequested
from ptfc.kit.addresses import email_ok
from ptfc.kit.calendar import day_n, uk_date
from services.referral.domain import cppp

ROUTES = {"court_order", "fca_recommendation"}
CPPP_PROCEEDINGS = {"rule_16_4", "section_7"}


@dataclass(frozen=True)
class Targets:
    elearning_days: int = 14
    workshop_days: int = 35
    completion_days: int = 42
    cppp_rule: cppp.Rule = cppp.Rule()  # CPPP has no stages: every due date is its window's last day


@dataclass(frozen=True)
class History:
    """What the store knows of this parent, for this programme."""

    active: bool = False  # in an active referral now
    earlier: bool = False  # completed or left an earlier one

    @staticmethod
    def of(statuses: set[str]) -> History:
        """From the statuses of the parent's referrals for this programme: a rejected one counts
        for neither; one that ended (withdrawn, completed or not) makes the next a re-referral."""
        return History(active="active" in statuses,
                       earlier=bool(statuses & {"withdrawn", "completed", "not_completed"}))

    def after(self, decision: ReferralAccepted | ReferralRejected) -> History:
        """What the parent's next referral sees once this decision stands (decided in one batch)."""
        return History(active=True, earlier=self.earlier) if isinstance(decision, ReferralAccepted) else self


def reasons_to_reject(req: ReferralRequested, areas: dict[str, str], history: History) -> list[Reason]:
    """Every reason at once, so Cafcass can correct a referral in one go."""
    reasons: list[Reason] = []
    if req.route not in ROUTES:
        reasons.append(Reason(code="route_not_allowed",
                              message="route must be court_order or fca_recommendation; parents cannot refer themselves"))
    if req.cafcass_area not in areas:
        reasons.append(Reason(code="unknown_cafcass_area", message="cafcass_area does not map to a lot"))
    for field, value in (("parent.email", req.parent.email), ("fca.email", req.fca.email)):
        if not email_ok(value):
            reasons.append(Reason(code="invalid_email", message=f"{field} is not a valid email address"))
    if req.court_email is not None and not email_ok(req.court_email):
        reasons.append(Reason(code="invalid_email", message="court_email is not a valid email address"))
    if req.programme == "cppp":
        if req.cppp is None:
            reasons.append(Reason(code="cppp_details_missing", message="cppp is required for the CPPP programme"))
        else:
            if req.cppp.proceedings not in CPPP_PROCEEDINGS:
                reasons.append(Reason(code="cppp_proceedings_not_eligible",
                                      message="cppp.proceedings must be rule_16_4 or section_7"))
            if not req.cppp.consent:
                reasons.append(Reason(code="cppp_consent_missing", message="CPPP is voluntary: consent must be true"))
            guardian = req.cppp.guardian
            if req.cppp.proceedings == "rule_16_4" and guardian is None:
                reasons.append(Reason(code="cppp_guardian_missing",
                                      message="cppp.guardian is required for rule_16_4 (the Guardian receives the report)"))
            if guardian is not None and not email_ok(guardian.email):
                reasons.append(Reason(code="invalid_email", message="cppp.guardian.email is not a valid email address"))
    if history.active:
        reasons.append(Reason(code="already_active",
                              message=f"the parent is already in an active {req.programme} referral"))
    return reasons


def decide(req: ReferralRequested, made_at: datetime, areas: dict[str, str], history: History,
           targets: Targets) -> ReferralAccepted | ReferralRejected:
    """`made_at` is the referral event's own `time`: its UK date is day 0 of every clock (v1.1),
    not `ordered_on` (the order can be days older than the referral Cafcass makes from it)."""
    reasons = reasons_to_reject(req, areas, history)
    if reasons:
        return ReferralRejected(referral_id=req.referral_id, case_number=req.case_number, reasons=reasons)
    day0 = uk_date(made_at)
    if req.programme == "cppp":
        due = (cppp.window_ends_on(day0, targets.cppp_rule),) * 3
    else:
        due = tuple(day_n(day0, n) for n in (targets.elearning_days, targets.workshop_days, targets.completion_days))
    return ReferralAccepted(
        referral_id=req.referral_id, case_number=req.case_number, person_id=req.parent.person_id,
        programme=req.programme, route=req.route, lot=areas[req.cafcass_area],
        cafcass_area=req.cafcass_area, ordered_on=req.ordered_on, referred_on=day0,
        elearning_due_on=due[0], workshop_due_on=due[1], completion_due_on=due[2],
        co_parent_person_ids=list(req.co_parent_person_ids), plan_suitable=req.plan_suitable,
        in_person=bool(req.parent.needs and req.parent.needs.in_person), re_referral=history.earlier,
        trial=req.programme == "cppp" and req.cppp is not None and req.cppp.proceedings == "section_7",
    )


def contact_name(req: ReferralRequested) -> str:
    return f"{req.parent.given_name} {req.parent.family_name}"


def hand_off(req: ReferralRequested, accepted: ReferralAccepted) -> ParentReferred:
    """What the lot's delivery partner needs to welcome the parent and offer a workshop."""
    p = req.parent
    return ParentReferred(
        referral_id=accepted.referral_id, case_number=accepted.case_number, person_id=p.person_id,
        given_name=p.given_name, family_name=p.family_name, email=p.email, phone=p.phone,
        needs=p.needs or Needs(in_person=False), programme=accepted.programme, route=accepted.route,
        referred_on=accepted.referred_on, elearning_due_on=accepted.elearning_due_on,
        workshop_due_on=accepted.workshop_due_on, completion_due_on=accepted.completion_due_on)

