"""Turning a Kafka record into a typed CloudEvent and its handler, or a dead-letter reason."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from contracts.envelope import CloudEvent, EnvelopeHeader
from contracts.registry import data_model_for
from ptfc.kit.deadletter import describe_validation


@dataclass
class Decoded:
    record: Any
    event: CloudEvent | None = None
    handler: Any = None
    reason: str | None = None  # set: dead-letter it; all None: not ours, skip


@lru_cache(maxsize=None)  # pydantic's own generic cache costs about half of a small event's decode
def envelope_model(event_type: str) -> type[CloudEvent]:
    return CloudEvent[data_model_for(event_type)]  # type: ignore[misc]


def decode(rec: Any, route: Any) -> Decoded:
    try:
        doc = json.loads(rec.value)
    except (ValueError, TypeError, UnicodeDecodeError):
        return Decoded(rec, reason="not JSON")
    event_type = doc.get("type") if isinstance(doc, dict) else None
    handler = route.handlers.get(event_type) if isinstance(event_type, str) else None
    if handler is None:
        try:
            EnvelopeHeader.model_validate(doc)
        except ValidationError as exc:
            return Decoded(rec, reason=f"not a CloudEvents 1.0 envelope: {describe_validation(exc)}")
        if route.strict:
            return Decoded(rec, reason=f"unknown type {event_type[:200]!r} for topic {rec.topic}")
        return Decoded(rec)  # another service's fact: not ours to judge
    try:
        event = envelope_model(event_type).model_validate(doc)
    except ValidationError as exc:
        if any(e["loc"] and e["loc"][0] != "data" for e in exc.errors()):
            return Decoded(rec, reason=f"not a CloudEvents 1.0 envelope: {describe_validation(exc)}")
        return Decoded(rec, reason=f"data does not match {event_type}: {describe_validation(exc)}")
    return Decoded(rec, event=event, handler=handler)
