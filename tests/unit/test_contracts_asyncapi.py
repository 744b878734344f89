"""Each service's AsyncAPI document (built from its router, nothing connected) is valid AsyncAPI
3.0.0, is committed as generated, and names only topics from contracts.topics."""
from __future__ import annotations

import copy
import json
from functools import lru_cache

import pytest
from jsonschema import Draft7Validator

from contracts.lots import LOTS
from contracts.topics import all_topics
from ptfc import docs

SERVICES = docs.services()  # only those present: others are still being built
FIX = "contracts/asyncapi is out of date with the service's router: run `make schemas` and commit"


@lru_cache(maxsize=None)
def generated(service: str) -> str:
    return docs.render(docs.asyncapi(service))


def doc(service: str) -> dict:
    return json.loads(generated(service))


@pytest.fixture(scope="module")
def asyncapi_validator(shared_schemas) -> Draft7Validator:
    return Draft7Validator(json.loads((shared_schemas / "asyncapi-3.0.0.json").read_text(encoding="utf-8")))


def problems(validator: Draft7Validator, document: dict) -> list[str]:
    # best_match keeps the report readable: the schema's oneOfs produce many nested errors.
    from jsonschema.exceptions import best_match
    err = best_match(validator.iter_errors(document))
    return [] if err is None else [f"{'/'.join(map(str, err.absolute_path))}: {err.message[:500]}"]


def test_some_service_is_documented():
    assert "referral" in SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_asyncapi_is_valid(service, asyncapi_validator):
    assert problems(asyncapi_validator, doc(service)) == []


@pytest.mark.parametrize("service", SERVICES)
def test_committed_asyncapi_matches_generated(service):
    path = docs.asyncapi_path(service)
    assert path.is_file(), f"{path.name} is missing; {FIX}"
    assert path.read_text(encoding="utf-8") == generated(service), f"{path.name} differs; {FIX}"


@pytest.mark.parametrize("service", SERVICES)
def test_asyncapi_names_only_contract_topics(service):
    known = set(all_topics(LOTS))
    addresses = {ch["address"] for ch in doc(service)["channels"].values()}
    assert addresses and addresses <= known, sorted(addresses - known)


@pytest.mark.parametrize("service", SERVICES)
def test_asyncapi_receives_and_sends(service):
    actions = {op["action"] for op in doc(service)["operations"].values()}
    assert actions == {"receive", "send"}


def test_validator_refuses_a_broken_document(asyncapi_validator):
    broken = copy.deepcopy(doc("referral"))
    next(iter(broken["operations"].values()))["action"] = "publish"  # AsyncAPI 2 wording
    assert problems(asyncapi_validator, broken)
