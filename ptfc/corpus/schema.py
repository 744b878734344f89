"""What each partner type looks like, read from its pydantic model's JSON Schema (the one partners
get), never from a hand list: a valid example of every type, and every field in it by kind.

The example fills optional fields too, so that every text field a partner may send is there to
be broken. Pure: no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from contracts.envelope import EnvelopeHeader
from contracts.registry import PARTNER_TYPES, data_model_for
from contracts.text import EMAIL, HTTP_URL, URI_REFERENCE

GOOD_TIME = "2026-11-02T10:15:00+00:00"
GOOD_DAY = "2026-11-02"
# Valid values for the patterns that a plain word does not match.
BY_PATTERN = {EMAIL: "someone@partner.example", HTTP_URL: "https://meet.example/s1",
              URI_REFERENCE: "/partners/corpus", r"^[A-Za-z0-9_.-]+$": "q1", r"^[a-z0-9.-]+$": "ptfc.x"}
# Richest branch first, so that nested text is present to be broken.
BRANCH_ORDER = {"object": 0, "array": 1, "string": 2, "integer": 3, "number": 3, "boolean": 3, "null": 9}


@dataclass(frozen=True)
class Field:
    path: tuple            # into the envelope: ("data", "parts", 0, "starts_at")
    kind: str              # text | date | time | number | bool | enum | array | object | map
    schema: dict           # the field's own JSON Schema node (bounds, pattern)
    required: bool


def _resolve(node: dict, defs: dict) -> dict:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in node:
        branches = [_resolve(b, defs) for b in node["anyOf"]]
        node = min(branches, key=lambda b: BRANCH_ORDER.get(b.get("type", "object"), 5))
    return node


def kind_of(node: dict) -> str:
    if "enum" in node or "const" in node:
        return "enum"
    t = node.get("type", "object")
    if t == "string":
        return {"date": "date", "date-time": "time"}.get(node.get("format", ""), "text")
    if t == "object":
        return "map" if "patternProperties" in node or "additionalProperties" in node else "object"
    return {"integer": "number", "number": "number", "boolean": "bool"}.get(t, t)


def example(node: dict, defs: dict) -> Any:
    """A valid value of this schema node."""
    node = _resolve(node, defs)
    kind = kind_of(node)
    if kind == "enum":
        return node["enum"][0] if "enum" in node else node["const"]
    if kind == "object":
        return {k: example(v, defs) for k, v in node.get("properties", {}).items()}
    if kind == "map":
        values = node.get("patternProperties") or {"": node.get("additionalProperties") or {}}
        return {"q1": example(next(iter(values.values())), defs)}
    if kind == "array":
        return [example(node.get("items", {}), defs) for _ in range(max(1, node.get("minItems", 1)))]
    if kind == "number":
        low = node.get("minimum", node.get("exclusiveMinimum", 0) + 1)
        return max(low, min(node.get("maximum", 150), 150))
    if kind == "bool":
        return True
    if kind in ("date", "time"):
        return GOOD_DAY if kind == "date" else GOOD_TIME
    return BY_PATTERN.get(node.get("pattern", ""), "ok-1")


def fields(node: dict, defs: dict, path: tuple = (), required: bool = True) -> list[Field]:
    """Every field of a value built by `example`, outermost first."""
    node = _resolve(node, defs)
    kind = kind_of(node)
    out = [Field(path, kind, node, required)] if path else []
    if kind == "object":
        need = set(node.get("required", []))
        for name, sub in node.get("properties", {}).items():
            out += fields(sub, defs, path + (name,), name in need)
    elif kind == "map":
        values = node.get("patternProperties") or {"": node.get("additionalProperties") or {}}
        out += fields(next(iter(values.values())), defs, path + ("q1",), False)
    elif kind == "array":
        out += fields(node.get("items", {}), defs, path + (0,), True)
    return out


@dataclass(frozen=True)
class PartnerType:
    topic_kind: str        # referrals | learning | workshops | plans
    type: str
    data: dict             # a valid `data`
    fields: tuple          # every field of the whole envelope (envelope attributes and data)


def _envelope_fields() -> list[Field]:
    schema = EnvelopeHeader.model_json_schema()
    need = set(schema["required"])
    return [Field((name,), kind_of(_resolve(sub, {})), _resolve(sub, {}), name in need)
            for name, sub in schema["properties"].items() if name != "data"]


@lru_cache(maxsize=None)
def partner_types() -> tuple[PartnerType, ...]:
    out = []
    envelope = _envelope_fields() + [Field(("data",), "object", {"type": "object"}, True)]
    for topic_kind, types in sorted(PARTNER_TYPES.items()):
        for event_type in sorted(types):
            schema = data_model_for(event_type).model_json_schema(by_alias=True)
            defs = schema.get("$defs", {})
            data = example(schema, defs)
            out.append(PartnerType(topic_kind, event_type, data,
                                   tuple(envelope + fields(schema, defs, ("data",))[1:])))
    return tuple(out)
