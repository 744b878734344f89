"""Each service's OpenAPI document (built from its FastAPI app, nothing served) is valid OpenAPI,
is committed as generated, and lists the kit's routes and the service's own."""
from __future__ import annotations

import copy
import json
from functools import lru_cache

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from ptfc import docs

SERVICES = docs.services()  # only those present: others are still being built
FIX = "contracts/openapi is out of date with the service's routes: run `make schemas` and commit"
KIT_ROUTES = {"/health/live", "/health/ready", "/metrics"}


@lru_cache(maxsize=None)
def generated(service: str) -> str:
    return docs.render(docs.openapi(service))


def test_some_service_is_documented():
    assert "learning" in SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_is_valid(service):
    path = docs.openapi_path(service)
    assert path.is_file(), f"{path.name} is missing; {FIX}"
    validate(json.loads(path.read_text(encoding="utf-8")))  # raises on the first problem


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_matches_generated(service):
    path = docs.openapi_path(service)
    assert path.is_file(), f"{path.name} is missing; {FIX}"
    assert path.read_text(encoding="utf-8") == generated(service), f"{path.name} differs; {FIX}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_documents_health_and_metrics(service):
    assert KIT_ROUTES <= set(json.loads(generated(service))["paths"])


def test_learning_documents_its_routes_and_token():
    doc = json.loads(generated("learning"))
    assert set(doc["paths"]) - KIT_ROUTES == {"/invitations/verify", "/certificates/check/{number}",
                                              "/certificates/{number}", "/reports/satisfaction"}
    download = doc["paths"]["/certificates/{number}"]["get"]
    assert download["security"] == [{"certificateApiToken": []}]
    assert doc["components"]["securitySchemes"]["certificateApiToken"] == {"type": "http", "scheme": "bearer"}
    assert {"401", "404", "503"} <= set(download["responses"])


def test_validator_refuses_a_broken_document():
    broken = copy.deepcopy(json.loads(generated("learning")))
    del broken["paths"]["/health/live"]["get"]["responses"]["200"]["description"]  # required
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_plans_documents_its_download_links_and_the_operator_routes():
    doc = json.loads(generated("plans"))
    assert set(doc["paths"]) - KIT_ROUTES == {"/plans/links/{token}/plan.pdf", "/plans/links/{token}/child-friendly.pdf",
                                              "/plans/cases/{case_number}/links", "/plans/links/{link_id}/revoke"}
    download = doc["paths"]["/plans/links/{token}/plan.pdf"]["get"]
    assert "security" not in download and {"404", "410"} <= set(download["responses"])  # the link is the key
    assert "application/pdf" in download["responses"]["200"]["content"]
    revoke = doc["paths"]["/plans/links/{link_id}/revoke"]["post"]
    assert revoke["security"] == [{"operatorApiToken": []}] and {"401", "404", "503"} <= set(revoke["responses"])
