"""Learning types: Parent Hub input and the learning service's outbound facts."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from contracts.envelope import WireModel
from contracts.text import Answers, Id

ACCOUNT_ACTIVATED = "ptfc.learning.account-activated.v1"
MODULE_COMPLETED = "ptfc.learning.module-completed.v1"
SURVEY_SUBMITTED = "ptfc.learning.survey-submitted.v1"
INVITATION_SENT = "ptfc.learning.invitation-sent.v1"
INVITATION_REISSUE_REQUESTED = "ptfc.learning.invitation-reissue-requested.v1"
ELEARNING_COMPLETED = "ptfc.learning.elearning-completed.v1"
CERTIFICATE_ISSUED = "ptfc.learning.certificate-issued.v1"
# The three workshop-feedback answers the programme's figures count, and nothing else of the answers
# (which may hold a parent's own words): the report reads this, not the partner topic.
FEEDBACK_RECORDED = "ptfc.learning.feedback-recorded.v1"
# Internal and sensitive (a name): written by the referral service at acceptance to the learning
# service's own input topic `ptfc.learning.names`, read only by learning, never on an events topic.
CERTIFICATE_NAME_RECORDED = "ptfc.learning.certificate-name-recorded.v1"

MODULES = ("welcome", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8")
Module = Literal["welcome", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]
Survey = Literal["before-start", "progress", "elearning-feedback", "workshop-feedback"]


class AccountActivated(WireModel):
    person_id: Id


class ModuleCompleted(WireModel):
    person_id: Id
    module: Module


class SurveySubmitted(WireModel):
    person_id: Id
    survey: Survey
    answers: Answers


class InvitationReissueRequested(WireModel):
    person_id: Id


class InvitationSent(WireModel):
    """The token never leaves the service except inside the parent's own email."""

    person_id: str
    expires_at: AwareDatetime
    reissue: bool = False


class ElearningCompleted(WireModel):
    person_id: str
    completed_at: datetime
    within_target: bool


class CertificateIssued(WireModel):
    person_id: str
    certificate_number: str
    issued_at: datetime
    elearning_completed_on: date
    workshop_attended_on: date


class CertificateNameRecorded(WireModel):
    """The name printed on a parent's certificate, and nothing else about them."""

    person_id: str = Field(min_length=1, max_length=100)
    display_name: str = Field(min_length=1, max_length=401)  # given + " " + family name, 200 each


class FeedbackRecorded(WireModel):
    person_id: str
    submitted_at: AwareDatetime
    clearer_understanding: bool
    child_at_centre: bool
    satisfaction: int = Field(ge=1, le=5)
