"""Referral types: partner input (Cafcass) and the referral service's outbound facts."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from contracts.envelope import WireModel

REQUESTED = "ptfc.referral.requested.v1"
WITHDRAWN = "ptfc.referral.withdrawn.v1"
ACCEPTED = "ptfc.referral.accepted.v1"
REJECTED = "ptfc.referral.rejected.v1"
WITHDRAWAL_ACCEPTED = "ptfc.referral.withdrawal-accepted.v1"
COMPLETED = "ptfc.referral.completed.v1"
NON_COMPLETION_REPORTED = "ptfc.referral.non-completion-reported.v1"

# Fields whose allowed values are programme rules (route, CPPP terms, email syntax) are plain
# strings on the wire: a wrong value is a *rejection* Cafcass can act on, listing every reason,
# not a dead letter. Structural breakage (missing field, wrong JSON type) is a dead letter.


class Needs(WireModel):
    in_person: bool = False
    interpreter: str | None = None
    accessibility: str | None = None


class Parent(WireModel):
    person_id: str = Field(min_length=1, max_length=100)
    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    needs: Needs | None = None


class Fca(WireModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320)


class Cppp(WireModel):
    proceedings: str = Field(description="rule_16_4 | section_7")
    consent: bool


class ReferralRequested(WireModel):
    referral_id: str = Field(min_length=1, max_length=100)
    case_number: str = Field(min_length=1, max_length=100)
    route: str = Field(description="court_order | fca_recommendation (parents cannot refer themselves)")
    programme: Literal["ptfc", "cppp"] = "ptfc"
    cafcass_area: str = Field(min_length=1, max_length=20)
    court: str = Field(min_length=1, max_length=200)
    ordered_on: date = Field(description="Day 0 of every programme clock.")
    parent: Parent
    co_parent_person_ids: list[str] = Field(default_factory=list)
    fca: Fca
    court_email: str | None = Field(default=None, max_length=320)
    plan_suitable: bool
    cppp: Cppp | None = None


class ReferralWithdrawn(WireModel):
    referral_id: str = Field(min_length=1, max_length=100)
    reason: str = Field(max_length=500)


class ReferralAccepted(WireModel):
    """No contact details: every consumer may read this."""

    referral_id: str
    case_number: str
    person_id: str
    programme: Literal["ptfc", "cppp"]
    route: str
    lot: str
    ordered_on: date
    elearning_due_on: date
    workshop_due_on: date
    completion_due_on: date
    co_parent_person_ids: list[str]
    plan_suitable: bool
    in_person: bool = False
    re_referral: bool = False


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


class ReferralCompleted(WireModel):
    referral_id: str
    case_number: str
    person_id: str
    elearning_completed_on: date
    workshop_attended_on: date
    certificate_number: str


class NonCompletionReported(WireModel):
    referral_id: str
    case_number: str
    person_id: str
    elearning_completed: bool
    workshop_attended: bool
    reported_on: date
