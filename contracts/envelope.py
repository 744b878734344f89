"""CloudEvents 1.0 envelope, structured JSON mode (the partner contract's envelope)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.text import LINE, URI_REFERENCE, Moment

SPECVERSION = "1.0"
D = TypeVar("D", bound=BaseModel)


class WireModel(BaseModel):
    """Base for every `data` object: unknown extra fields are ignored (forward compatible)."""

    model_config = ConfigDict(extra="ignore", frozen=True, allow_inf_nan=False)


# The idempotency key and the case number are stored and logged: one printable line each.
EventId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=LINE)]
Source = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=URI_REFERENCE)]
EventType = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[a-z0-9.-]+$")]
Subject = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=LINE)]


class CloudEvent(BaseModel, Generic[D]):
    """One message value. (`source`, `id`) is the idempotency key; `subject` is the case number."""

    # CloudEvents extension attributes are allowed and ignored.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    specversion: Literal["1.0"]
    id: EventId
    source: Source
    type: EventType
    time: Moment
    subject: Subject = Field(description="The case number.")
    datacontenttype: Literal["application/json"] = "application/json"
    data: D


class EnvelopeHeader(BaseModel):
    """The envelope without `data`: parsed first, so `type` can pick the data model."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    specversion: Literal["1.0"]
    id: EventId
    source: Source
    type: EventType
    time: Moment
    subject: Subject
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]


def event_dict(*, id: str, source: str, type: str, time: datetime, subject: str, data: BaseModel) -> dict:
    """The JSON-ready envelope for an outbound event."""
    return {
        "specversion": SPECVERSION,
        "id": id,
        "source": source,
        "type": type,
        "time": time.isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data.model_dump(mode="json", by_alias=True, exclude_none=True),
    }
