"""The committed JSON Schemas (contracts/schemas/) are exactly what the models generate."""
from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from contracts.registry import DATA_MODELS
from ptfc import docs

FIX = "contracts/schemas is out of date with contracts/*.py: run `make schemas` and commit the result"


@pytest.mark.parametrize("event_type", sorted(DATA_MODELS))
def test_committed_schema_matches_model(event_type):
    path = docs.schema_path(event_type)
    assert path.is_file(), f"{path.name} is missing; {FIX}"
    assert path.read_text(encoding="utf-8") == docs.render(docs.event_schema(event_type)), \
        f"{path.name} differs from its model; {FIX}"


def test_no_schema_without_an_event_type():
    extra = sorted(p.name for p in docs.SCHEMAS_DIR.glob("*.json")
                   if p.stem not in DATA_MODELS)
    assert not extra, f"schemas of types no longer in contracts/registry.py: {extra}; {FIX}"


@pytest.mark.parametrize("event_type", sorted(DATA_MODELS))
def test_schema_is_a_valid_schema_fixing_its_type(event_type):
    schema = json.loads(docs.schema_path(event_type).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["type"]["const"] == event_type
    assert {"specversion", "id", "source", "type", "time", "subject", "data"} <= set(schema["required"])


def test_render_is_deterministic_and_newline_terminated():
    a = docs.render({"b": 1, "a": {"d": 2, "c": 3}})
    assert a == docs.render({"a": {"c": 3, "d": 2}, "b": 1})
    assert a.endswith("}\n") and a.index('"a"') < a.index('"b"')
