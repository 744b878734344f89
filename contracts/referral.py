"""Referral types: partner input (Cafcass) and the referral service's outbound facts."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from contracts.envelope import WireModel
from contracts.text import LINE, Day, Id, Name, Text500

REQUESTED = "ptfc.referral.requested.v1"
WITHDRAWN = "ptfc.referral.withdrawn.v1"
ACCEPTED = "ptfc.referral.accepted.v1"
REJECTED = "ptfc.referral.rejected.v1"
WITHDRAWAL_ACCEPTED = "ptfc.referral.withdrawal-accepted.v1"
COMPLETED = "ptfc.referral.completed.v1"
NON_COMPLETION_REPORTED = "ptfc.referral.non-completion-reported.v1"
# v1.1: the lot's delivery partner welcomes each referred parent. Contact details, so only on
# `ptfc.partner.handoff.<lot>` (read by that lot's partner alone), never on an events topic.
PARENT_REFERRED = "ptfc.referral.parent-referred.v1"
PARENT_CLOSED = "ptfc.referral.parent-closed.v1"
# Erasure (an addition to v1.1): Cafcass (or an operator, `ptfc erase`) asks that a person's personal
# data leave the system; every service erases its share on `person-erased`, counts stay.
ERASURE_REQUESTED = "ptfc.referral.erasure-requested.v1"
PERSON_ERASED = "ptfc.referral.person-erased.v1"

# Fields whose allowed values are programme rules (route, CPPP terms, email syntax) are plain
# strings on the wire: a wrong value is a *rejection* Cafcass can act on, listing every reason,
# not a dead letter. Structural breakage (missing field, wrong JSON type) is a dead letter.


class Needs(WireModel):
    in_person: bool
    interpreter: Name | None = None
    accessibility: Text500 | None = None


class Parent(WireModel):
    person_id: Id
    given_name: Name
    family_name: Name
    email: str = Field(max_length=320, description="Checked by the programme: a bad one is a rejection")
    phone: Annotated[str, StringConstraints(max_length=40, pattern=LINE)] | None = None
    needs: Needs | None = None


class Fca(WireModel):
    name: Name
    email: str = Field(max_length=320)


class Guardian(WireModel):
    """The child's Cafcass Guardian (Rule 16.4 cases), told of a CPPP outcome."""

    name: Name
    email: str = Field(max_length=320)


class Cppp(WireModel):
    proceedings: Annotated[str, StringConstraints(max_length=50, pattern=LINE)] = Field(
        description="rule_16_4 | section_7")
    consent: bool
    guardian: Guardian | None = Field(default=None, description="v1.1; required for rule_16_4")


class ReferralRequested(WireModel):
    referral_id: Id
    case_number: Id
    route: Annotated[str, StringConstraints(max_length=50, pattern=LINE)] = Field(
        description="court_order | fca_recommendation (parents cannot refer themselves)")
    programme: Literal["ptfc", "cppp"] = "ptfc"
    cafcass_area: Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=LINE)]
    court: Name
    ordered_on: Day = Field(description="The date of the court order or the FCA's recommendation. "
                                         "Not day 0 (v1.1): day 0 is the UK date of the event's `time`.")
    parent: Parent
    co_parent_person_ids: list[Id] = Field(max_length=10, description="May be empty, never absent")
    fca: Fca
    court_email: str | None = Field(default=None, max_length=320)
    plan_suitable: bool
    cppp: Cppp | None = None


class ReferralWithdrawn(WireModel):
    referral_id: Id
    reason: Text500


class ReferralAccepted(WireModel):
    """No contact details: every consumer may read this."""

    referral_id: str
    case_number: str
    person_id: str
    programme: Literal["ptfc", "cppp"]
    route: str
    lot: str
    cafcass_area: str = Field(description="v1.1: for the report's per-area lines")
    ordered_on: date = Field(description="The order's or recommendation's date (not day 0)")
    referred_on: date = Field(description="v1.1: day 0, the UK date the referral was made")
    elearning_due_on: date
    workshop_due_on: date
    completion_due_on: date = Field(description="CPPP: the last day of its window (day 0 + 12 weeks); "
                                                "it has no e-learning or workshop, so those dates are the same day")
    co_parent_person_ids: list[str]
    plan_suitable: bool
    in_person: bool = False
    re_referral: bool = False
    trial: bool = Field(default=False, description="v1.1: a CPPP Section 7 referral (the trial)")


class Reason(WireModel):
    code: str
    message: str


class ReferralRejected(WireModel):
    referral_id: str
    case_number: str
    reasons: list[Reason]


class WithdrawalAccepted(WireModel):
    referral_id: str
    case_number: str
    person_id: str
    lot: str


class CpppSessionAttended(WireModel):
    session_id: str
    held_on: date
    joint: bool


class CpppRecord(WireModel):
    """v1.1: what one CPPP parent did within the window: their own sessions, nothing of the other
    parent's. `shortfall` says why it is not complete (empty on completion)."""

    sessions_attended: int
    joint_sessions: int
    sessions: list[CpppSessionAttended] = Field(description="Each session counted, earliest first")
    window_ends_on: date
    started: bool = Field(description="Both parents consented, so the programme began")
    shortfall: list[Literal["not_started", "too_few_sessions", "no_joint_session"]] = []


class ReferralCompleted(WireModel):
    """PTfC: both stages, with dates and the certificate number. CPPP (v1.1): `programme` `cppp`
    and `cppp` instead (it has no e-learning, workshop or certificate)."""

    referral_id: str
    case_number: str
    person_id: str
    elearning_completed_on: date | None = None
    workshop_attended_on: date | None = None
    certificate_number: str | None = None
    programme: Literal["ptfc", "cppp"] = "ptfc"
    cppp: CpppRecord | None = None


class NonCompletionReported(WireModel):
    """CPPP (v1.1): `programme` `cppp`, `cppp` says what was done; its PTfC stages are false."""

    referral_id: str
    case_number: str
    person_id: str
    elearning_completed: bool
    workshop_attended: bool
    reported_on: date
    programme: Literal["ptfc", "cppp"] = "ptfc"
    cppp: CpppRecord | None = None


class ParentReferred(WireModel):
    """The hand-off to the lot's delivery partner: who to welcome and by when (contact details)."""

    referral_id: str
    case_number: str
    person_id: str
    given_name: str
    family_name: str
    email: str
    phone: str | None = None
    needs: Needs
    programme: Literal["ptfc", "cppp"]
    route: str
    referred_on: date
    elearning_due_on: date
    workshop_due_on: date
    completion_due_on: date


class ParentClosed(WireModel):
    """The partner's cue to stop contacting a parent: the referral ended."""

    referral_id: str
    person_id: str
    status: Literal["withdrawn", "completed", "not_completed"]


class ErasureRequested(WireModel):
    person_id: Id
    reason: Text500 | None = None


class PersonErased(WireModel):
    """Every service erases what it holds of this person (names, addresses, terms, kept bytes)."""

    person_id: str
    cause: Literal["requested", "retention"]
