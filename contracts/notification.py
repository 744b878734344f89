"""Notification types. Requests carry contact details, so their topic is read only by notifications."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from contracts.envelope import WireModel

CONTACT_RECORDED = "ptfc.notification.contact-recorded.v1"
REQUESTED = "ptfc.notification.requested.v1"
SENT = "ptfc.notification.sent.v1"
FAILED = "ptfc.notification.failed.v1"

Role = Literal["parent", "fca", "court", "trainer", "mediator",  # mediator: added in v1 (additive)
               "guardian"]  # v1.1: a CPPP Rule 16.4 case's Cafcass Guardian
Scalar = str | int | float | bool | None


class ContactRecorded(WireModel):
    contact_id: str = Field(min_length=1, max_length=200)
    role: Role
    name: str = Field(max_length=401)  # given + " " + family name, 200 each
    email: str = Field(max_length=320)
    # Added in v1 (additive): what the emails to and about this contact say the course is.
    programme: Literal["ptfc", "cppp"] = "ptfc"
    route: str | None = Field(default=None, description="court_order | fca_recommendation")


class NotificationRequested(WireModel):
    """One email: `template` rendered with `context` for `contact_id`."""

    template: str = Field(min_length=1, max_length=100)
    contact_id: str = Field(min_length=1, max_length=200)
    context: dict[str, Scalar | list[Scalar] | dict[str, Scalar]] = Field(default_factory=dict)
    attachments: list[dict[str, str]] = Field(default_factory=list)


class NotificationSent(WireModel):
    notification_id: str
    template: str
    role: Role


class NotificationFailed(WireModel):
    notification_id: str
    template: str
    role: Role | None = None
    permanent: bool
    reason: str
