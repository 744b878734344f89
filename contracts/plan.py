"""Parenting-plan types from the Parent Hub's plan tool."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from contracts.envelope import WireModel
from contracts.text import Email, Id, Text10k

OPENED = "ptfc.plan.opened.v1"
PROPOSAL_SUBMITTED = "ptfc.plan.proposal-submitted.v1"
RESPONSE_SUBMITTED = "ptfc.plan.response-submitted.v1"
SHARED = "ptfc.plan.shared.v1"
VIEWED = "ptfc.plan.viewed.v1"  # v1.1: a parent opened the plan tool (counts as viewed/started)
# Added (additive): a parent marks the plan finished with what is agreed; the areas left open stay
# open. Sent again for a plan already finished or completed, it asks for a fresh download link.
FINISHED = "ptfc.plan.finished.v1"

PlanArea = Literal[
    "communication", "living_arrangements", "holidays_and_special_days", "education", "health",
    "money", "religion_and_culture", "emotional_wellbeing", "family_and_friends",
    "changes_to_the_plan",
]


class PlanOpened(WireModel):
    person_id: Id


class PlanViewed(WireModel):
    person_id: Id


class PlanFinished(WireModel):
    person_id: Id


class Proposal(WireModel):
    area: PlanArea
    terms: Text10k


class ProposalSubmitted(WireModel):
    person_id: Id
    proposals: list[Proposal] = Field(min_length=1, max_length=10)


class Response(WireModel):
    area: PlanArea
    decision: Literal["agree", "counter", "seek_help", "ask_court"]
    terms: Text10k | None = None

    @model_validator(mode="after")
    def _counter_has_terms(self) -> "Response":
        if self.decision == "counter" and not self.terms:
            raise ValueError("terms is required with decision 'counter'")
        return self


class ResponseSubmitted(WireModel):
    person_id: Id
    responses: list[Response] = Field(min_length=1, max_length=10)


class PlanShared(WireModel):
    person_id: Id
    with_: Literal["mediator", "fca", "court", "children"] = Field(alias="with")
    email: Email | None = None


# Outbound facts of the plans service (on `ptfc.plans.events`). Areas and decisions only: the
# parents' `terms` are their private negotiation, and nothing says why a plan is unavailable or
# closed (a safeguarding concern must never reach the other parent).
PLAN_OPENED = "ptfc.plans.plan-opened.v1"
OPENING_REFUSED = "ptfc.plans.opening-refused.v1"
AREA_UPDATED = "ptfc.plans.area-updated.v1"
PLAN_COMPLETED = "ptfc.plans.plan-completed.v1"
PLAN_SHARED = "ptfc.plans.plan-shared.v1"
PLAN_CLOSED = "ptfc.plans.plan-closed.v1"
PLAN_VIEWED = "ptfc.plans.plan-viewed.v1"  # v1.1: a parent's first look at the plan tool
PLAN_FINISHED = "ptfc.plans.plan-finished.v1"  # added: finished with what is agreed (not "completed")

AreaState = Literal["proposed", "agreed", "seek_help", "ask_court"]
FinalDecision = Literal["agreed", "seek_help", "ask_court"]


class PlanOpenedFact(WireModel):
    case_number: str
    opened_by: str
    person_ids: list[str] = Field(description="The case's parents who negotiate the plan.")


class PlanOpeningRefused(WireModel):
    case_number: str
    person_id: str
    reason: str = Field(description="not_available (deliberately unspecific) | co_parent_not_referred")


class PlanAreaUpdated(WireModel):
    """One proposal or response; its terms stay in the plans service's history."""

    case_number: str
    area: PlanArea
    person_id: str
    action: Literal["proposed", "agree", "counter", "seek_help", "ask_court"]
    state: AreaState
    final: bool


class PlanCompleted(WireModel):
    case_number: str
    decisions: dict[str, FinalDecision] = Field(description="Every plan area -> its final decision.")


class PlanSharedFact(WireModel):
    case_number: str
    person_id: str
    with_: Literal["mediator", "fca", "court", "children"] = Field(alias="with")
    emailed: bool = False


class PlanClosed(WireModel):
    """No reason: why a plan closed is not for every reader."""

    case_number: str


class PlanViewedFact(WireModel):
    """The first time a referred parent opened the plan tool (the report's viewed/started)."""

    case_number: str
    person_id: str


class PlanFinishedFact(WireModel):
    """A parent marked the plan finished with what is agreed. Not `plan-completed`: that still
    means every area has a final decision, and the report counts only that as completed."""

    case_number: str
    person_id: str
    areas: dict[str, Literal["open", "proposed", "agreed", "seek_help", "ask_court"]] = Field(
        description="Every plan area -> its state when finished (open: nothing was proposed).")
