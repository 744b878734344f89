"""Parenting-plan types from the Parent Hub's plan tool."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from contracts.envelope import WireModel

OPENED = "ptfc.plan.opened.v1"
PROPOSAL_SUBMITTED = "ptfc.plan.proposal-submitted.v1"
RESPONSE_SUBMITTED = "ptfc.plan.response-submitted.v1"
SHARED = "ptfc.plan.shared.v1"

PlanArea = Literal[
    "communication", "living_arrangements", "holidays_and_special_days", "education", "health",
    "money", "religion_and_culture", "emotional_wellbeing", "family_and_friends",
    "changes_to_the_plan",
]


class PlanOpened(WireModel):
    person_id: str = Field(min_length=1, max_length=100)


class Proposal(WireModel):
    area: PlanArea
    terms: str = Field(max_length=10_000)


class ProposalSubmitted(WireModel):
    person_id: str = Field(min_length=1, max_length=100)
    proposals: list[Proposal] = Field(min_length=1)


class Response(WireModel):
    area: PlanArea
    decision: Literal["agree", "counter", "seek_help", "ask_court"]
    terms: str | None = Field(default=None, max_length=10_000)

    @model_validator(mode="after")
    def _counter_has_terms(self) -> "Response":
        if self.decision == "counter" and not self.terms:
            raise ValueError("terms is required with decision 'counter'")
        return self


class ResponseSubmitted(WireModel):
    person_id: str = Field(min_length=1, max_length=100)
    responses: list[Response] = Field(min_length=1)


class PlanShared(WireModel):
    person_id: str = Field(min_length=1, max_length=100)
    with_: Literal["mediator", "fca", "court", "children"] = Field(alias="with")
    email: str | None = Field(default=None, max_length=320)
