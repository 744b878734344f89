"""Turning a Kafka record into a typed CloudEvent and its handler, or a dead-letter reason.

Load-bearing: `decode` never raises. Whatever a record holds (JSON nested thousands deep, NUL
characters, lone surrogates, UTF-16, NaN, a value at the broker's size limit), it becomes either an
event or a reason, so one message costs only itself and never stalls a partition. Parsing is
strict (the contract's types, no coercion: "yes" is not a boolean, "5" not a number, 1700000000 not
a time) and reasons name fields, never the values a sender put in them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pydantic_core
from pydantic import ValidationError

from contracts.envelope import CloudEvent, EnvelopeHeader
from contracts.registry import data_model_for
from ptfc.kit.deadletter import describe_validation

# The largest value a partner may send: ten times the largest valid event (a plan proposal with
# ten areas of 10,000 characters), well under the consumer's fetch size.
MAX_MESSAGE_BYTES = 1024 * 1024


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
        return _decode(rec, route)
    except Exception as exc:  # a case nobody foresaw is still this message's, not the partition's
        return Decoded(rec, reason=f"could not be decoded: {type(exc).__name__}")


def _decode(rec: Any, route: Any) -> Decoded:
    raw = rec.value
    if not isinstance(raw, (bytes, bytearray)) or not raw:
        return Decoded(rec, reason="empty message")
    if len(raw) > MAX_MESSAGE_BYTES:
        return Decoded(rec, reason=f"message larger than {MAX_MESSAGE_BYTES} bytes")
    try:
        # jiter (Rust): UTF-8 only, no NaN/Infinity, a nesting limit instead of a RecursionError.
        doc = pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError:
        return Decoded(rec, reason="not JSON (one UTF-8 JSON object, nested at most 200 levels)")
    if not isinstance(doc, dict):
        return Decoded(rec, reason="not a CloudEvents 1.0 envelope: (root): not a JSON object")
    event_type = doc.get("type")
    handler = route.handlers.get(event_type) if isinstance(event_type, str) else None
    if handler is None:
        try:
            EnvelopeHeader.model_validate_json(raw, strict=True)
        except ValidationError as exc:
            return Decoded(rec, reason=f"not a CloudEvents 1.0 envelope: {describe_validation(exc)}")
        if route.strict:
            return Decoded(rec, reason=f"unknown type for topic {rec.topic}")
        return Decoded(rec)  # another service's fact: not ours to judge
    try:
        event = envelope_model(event_type).model_validate_json(raw, strict=True)
    except ValidationError as exc:
        if any(e["loc"] and e["loc"][0] != "data" for e in exc.errors()):
            return Decoded(rec, reason=f"not a CloudEvents 1.0 envelope: {describe_validation(exc)}")
        return Decoded(rec, reason=f"data does not match {event_type}: {describe_validation(exc)}")
    return Decoded(rec, event=event, handler=handler)
