"""CloudEvents 1.0 envelope, structured JSON mode (the partner contract's envelope)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SPECVERSION = "1.0"
D = TypeVar("D", bound=BaseModel)


class WireModel(BaseModel):
    """Base for every `data` object: unknown extra fields are ignored (forward compatible)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class CloudEvent(BaseModel, Generic[D]):
    """One message value. (`source`, `id`) is the idempotency key; `subject` is the case number."""

    # CloudEvents extension attributes are allowed and ignored.
    model_config = ConfigDict(extra="ignore")

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=500)
    type: str = Field(min_length=1, max_length=200)
    time: AwareDatetime
    subject: str = Field(min_length=1, max_length=100, description="The case number.")
    datacontenttype: Literal["application/json"] = "application/json"
    data: D


class EnvelopeHeader(BaseModel):
    """The envelope without `data`: parsed first, so `type` can pick the data model."""

    model_config = ConfigDict(extra="ignore")

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=500)
    type: str = Field(min_length=1, max_length=200)
    time: AwareDatetime
    subject: str = Field(min_length=1, max_length=100)
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
