"""Realistic partner envelopes, written from partner-contract.md field by field, are accepted by
the models, by the committed JSON Schemas and by the CloudEvents 1.0 schema itself."""
from __future__ import annotations

import copy
import json
from functools import lru_cache

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from contracts.envelope import CloudEvent
from contracts.registry import DATA_MODELS, PARTNER_TYPES
from ptfc import docs

CASE = "LS26C00417"  # Cafcass-style case number: the `subject` and the Kafka key
PERSON, CO_PARENT = "P-7f3a91c2", "P-b04e6d18"
CAFCASS, PARENT_HUB, PLAN_TOOL, LOT_NORTH = (
    "/partners/cafcass", "/partners/parent-hub", "/partners/parent-hub/plans", "/partners/lot-north")


def envelope(n: int, source: str, type_: str, data: dict, time: str = "2026-11-02T10:15:00+00:00") -> dict:
    return {"specversion": "1.0", "id": f"{source.rsplit('/', 1)[-1]}-{n:06d}", "source": source,
            "type": type_, "time": time, "subject": CASE, "datacontenttype": "application/json",
            "data": data}


SESSION = {
    "session_id": "LN-2026-11-19-EVE",
    "parts": [{"starts_at": "2026-11-19T18:30:00+00:00", "minutes": 75},
              {"starts_at": "2026-11-20T18:30:00+00:00", "minutes": 75}],
    "mode": "online",
    "join_url": "https://meet.lot-north.example/ptfc/LN-2026-11-19-EVE",
    "trainer": {"trainer_id": "T-0042", "name": "Sam Trainer", "email": "sam.trainer@lot-north.example"},
    "capacity": 6,
}

SAMPLES: dict[str, list[dict]] = {
    "ptfc.referral.requested.v1": [
        envelope(1, CAFCASS, "ptfc.referral.requested.v1", {
            "referral_id": "REF-2026-000417", "case_number": CASE, "route": "court_order",
            "programme": "ptfc", "cafcass_area": "A10", "court": "Leeds Family Court",
            "ordered_on": "2026-11-02",
            "parent": {"person_id": PERSON, "given_name": "Alex", "family_name": "Morgan",
                       "email": "alex.morgan@parents.example", "phone": "+44 7700 900123",
                       "needs": {"in_person": False, "interpreter": "Polish",
                                 "accessibility": "Captions for video content"}},
            "co_parent_person_ids": [CO_PARENT],
            "fca": {"name": "Fay Adviser", "email": "fay.adviser@cafcass.example"},
            "court_email": "leeds.family@justice.example", "plan_suitable": True}),
        # Minimal: optional fields absent, CPPP with its required block, no co-parent.
        envelope(2, CAFCASS, "ptfc.referral.requested.v1", {
            "referral_id": "REF-2026-000418", "case_number": CASE, "route": "fca_recommendation",
            "programme": "cppp", "cafcass_area": "A3", "court": "Bradford Family Court",
            "ordered_on": "2026-11-03",
            "parent": {"person_id": CO_PARENT, "given_name": "Jo", "family_name": "Morgan",
                       "email": "jo.morgan@parents.example"},
            "co_parent_person_ids": [],
            "fca": {"name": "Fay Adviser", "email": "fay.adviser@cafcass.example"},
            "plan_suitable": False,
            "cppp": {"proceedings": "rule_16_4", "consent": True,
                     "guardian": {"name": "Gail Guardian", "email": "gail.guardian@cafcass.example"}}}),
        # v1 (before guardian existed) still works: the additive field is optional.
        envelope(7, CAFCASS, "ptfc.referral.requested.v1", {
            "referral_id": "REF-2026-000419", "case_number": CASE, "route": "court_order",
            "programme": "cppp", "cafcass_area": "A3", "court": "Bradford Family Court",
            "ordered_on": "2026-11-03",
            "parent": {"person_id": "P-9e1d", "given_name": "Sam", "family_name": "Morgan",
                       "email": "sam.morgan@parents.example"},
            "co_parent_person_ids": [CO_PARENT],
            "fca": {"name": "Fay Adviser", "email": "fay.adviser@cafcass.example"},
            "plan_suitable": True, "cppp": {"proceedings": "section_7", "consent": True}}),
    ],
    "ptfc.referral.erasure-requested.v1": [
        envelope(9, CAFCASS, "ptfc.referral.erasure-requested.v1",
                 {"person_id": PERSON, "reason": "Data subject's request, approved by Cafcass"}),
    ],
    "ptfc.cppp.session-recorded.v1": [
        envelope(8, CAFCASS, "ptfc.cppp.session-recorded.v1", {
            "case_number": CASE, "session_id": "CPPP-LS-0003", "held_on": "2026-11-20",
            "attended_person_ids": [PERSON, CO_PARENT], "joint": True}),
    ],
    "ptfc.referral.withdrawn.v1": [
        envelope(3, CAFCASS, "ptfc.referral.withdrawn.v1",
                 {"referral_id": "REF-2026-000417", "reason": "Application withdrawn by the applicant"}),
    ],
    "ptfc.learning.account-activated.v1": [
        envelope(1, PARENT_HUB, "ptfc.learning.account-activated.v1", {"person_id": PERSON}),
    ],
    "ptfc.learning.module-completed.v1": [
        envelope(2, PARENT_HUB, "ptfc.learning.module-completed.v1", {"person_id": PERSON, "module": "welcome"}),
        envelope(3, PARENT_HUB, "ptfc.learning.module-completed.v1", {"person_id": PERSON, "module": "m8"}),
    ],
    "ptfc.learning.survey-submitted.v1": [
        envelope(4, PARENT_HUB, "ptfc.learning.survey-submitted.v1", {
            "person_id": PERSON, "survey": "before-start",
            "answers": {"confidence": 2, "heard_of_programme": False}}),
        envelope(5, PARENT_HUB, "ptfc.learning.survey-submitted.v1", {
            "person_id": PERSON, "survey": "workshop-feedback",
            "answers": {"clearer_understanding": True, "child_at_centre": True, "satisfaction": 5}}),
    ],
    "ptfc.learning.invitation-reissue-requested.v1": [
        envelope(6, PARENT_HUB, "ptfc.learning.invitation-reissue-requested.v1", {"person_id": PERSON}),
    ],
    "ptfc.workshop.session-scheduled.v1": [
        envelope(1, LOT_NORTH, "ptfc.workshop.session-scheduled.v1", SESSION),
        envelope(2, LOT_NORTH, "ptfc.workshop.session-scheduled.v1", {
            "session_id": "LN-2026-11-21-DAY",
            "parts": [{"starts_at": "2026-11-21T10:00:00+00:00", "minutes": 150}],
            "mode": "in_person", "venue": "Leeds Central Library, Room 3, Calverley Street, LS1 3AB",
            "trainer": {"trainer_id": "T-0043", "name": "Robin Tutor", "email": "robin.tutor@lot-north.example"}}),
    ],
    "ptfc.workshop.session-cancelled.v1": [
        envelope(3, LOT_NORTH, "ptfc.workshop.session-cancelled.v1",
                 {"session_id": "LN-2026-11-21-DAY", "reason": "Trainer unavailable"}),
    ],
    "ptfc.workshop.booking-requested.v1": [
        envelope(4, LOT_NORTH, "ptfc.workshop.booking-requested.v1",
                 {"person_id": PERSON, "session_id": "LN-2026-11-19-EVE"}),
        envelope(5, LOT_NORTH, "ptfc.workshop.booking-requested.v1", {"person_id": CO_PARENT}),
    ],
    "ptfc.workshop.booking-cancelled.v1": [
        envelope(6, LOT_NORTH, "ptfc.workshop.booking-cancelled.v1",
                 {"person_id": PERSON, "session_id": "LN-2026-11-19-EVE"}),
    ],
    "ptfc.workshop.attendance-recorded.v1": [
        envelope(7, LOT_NORTH, "ptfc.workshop.attendance-recorded.v1", {
            "session_id": "LN-2026-11-19-EVE",
            "attendance": [{"person_id": PERSON, "attended": True, "follow_up": True},
                           {"person_id": "P-0c11aa07", "attended": False}]},
            time="2026-11-20T20:05:00+00:00"),
    ],
    "ptfc.workshop.follow-up-recorded.v1": [
        envelope(8, LOT_NORTH, "ptfc.workshop.follow-up-recorded.v1", {"person_id": PERSON, "outcome": "spoke"}),
    ],
    "ptfc.workshop.safeguarding-concern-raised.v1": [
        envelope(9, LOT_NORTH, "ptfc.workshop.safeguarding-concern-raised.v1",
                 {"person_id": PERSON, "trainer_id": "T-0042", "session_id": "LN-2026-11-19-EVE"}),
        envelope(10, LOT_NORTH, "ptfc.workshop.safeguarding-concern-raised.v1",
                 {"person_id": CO_PARENT, "trainer_id": "T-0042"}),
    ],
    "ptfc.plan.opened.v1": [
        envelope(1, PLAN_TOOL, "ptfc.plan.opened.v1", {"person_id": PERSON}),
    ],
    "ptfc.plan.proposal-submitted.v1": [
        envelope(2, PLAN_TOOL, "ptfc.plan.proposal-submitted.v1", {
            "person_id": PERSON, "proposals": [
                {"area": "living_arrangements",
                 "terms": "The children live with each parent on alternate weeks, changing over on Sunday at 5pm."},
                {"area": "communication", "terms": "We use a shared calendar app for arrangements."}]}),
    ],
    "ptfc.plan.response-submitted.v1": [
        envelope(3, PLAN_TOOL, "ptfc.plan.response-submitted.v1", {
            "person_id": CO_PARENT, "responses": [
                {"area": "communication", "decision": "agree"},
                {"area": "living_arrangements", "decision": "counter",
                 "terms": "Alternate weeks, changing over on Friday after school."},
                {"area": "money", "decision": "seek_help"}]}),
    ],
    "ptfc.plan.viewed.v1": [
        envelope(6, PLAN_TOOL, "ptfc.plan.viewed.v1", {"person_id": PERSON}),
    ],
    "ptfc.plan.finished.v1": [  # added (additive): finished with what is agreed
        envelope(7, PLAN_TOOL, "ptfc.plan.finished.v1", {"person_id": PERSON}),
    ],
    "ptfc.plan.shared.v1": [
        envelope(4, PLAN_TOOL, "ptfc.plan.shared.v1",
                 {"person_id": PERSON, "with": "mediator", "email": "mediation@family-mediation.example"}),
        envelope(5, PLAN_TOOL, "ptfc.plan.shared.v1", {"person_id": PERSON, "with": "court"}),
    ],
}

CASES = [pytest.param(t, i, e, id=f"{t}#{i}") for t, envs in SAMPLES.items() for i, e in enumerate(envs)]


@lru_cache(maxsize=None)
def committed_validator(event_type: str) -> Draft202012Validator:
    schema = json.loads(docs.schema_path(event_type).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator.iter_errors(doc)]


def test_every_partner_type_has_a_sample():
    partner = set().union(*PARTNER_TYPES.values())
    assert set(SAMPLES) == partner, f"missing samples: {sorted(partner - set(SAMPLES))}"


@pytest.mark.parametrize("event_type,_i,event", CASES)
def test_sample_is_accepted_by_the_models(event_type, _i, event):
    parsed = CloudEvent[DATA_MODELS[event_type]].model_validate(event)
    assert (parsed.type, parsed.subject, parsed.id) == (event["type"], event["subject"], event["id"])
    # Nothing the partner sent is lost or altered (defaults may add fields, never change given ones).
    dumped = parsed.data.model_dump(mode="json", by_alias=True)
    assert _subset(event["data"], dumped), (event["data"], dumped)


def _subset(given, parsed) -> bool:
    if isinstance(given, dict):
        return isinstance(parsed, dict) and all(k in parsed and _subset(v, parsed[k]) for k, v in given.items())
    if isinstance(given, list):
        return isinstance(parsed, list) and len(given) == len(parsed) and all(map(_subset, given, parsed))
    if isinstance(given, str) and isinstance(parsed, str) and given != parsed:
        from datetime import datetime
        try:  # an RFC 3339 time may be re-rendered (Z vs +00:00): compare the instants
            return datetime.fromisoformat(given.replace("Z", "+00:00")) == datetime.fromisoformat(parsed)
        except ValueError:
            return False
    return given == parsed


@pytest.mark.parametrize("event_type,_i,event", CASES)
def test_sample_matches_committed_json_schema(event_type, _i, event):
    assert errors(committed_validator(event_type), event) == []


@pytest.mark.parametrize("event_type,_i,event", CASES)
def test_sample_is_a_cloudevent(event_type, _i, event, shared_schemas):
    schema = json.loads((shared_schemas / "cloudevents-1.0.json").read_text(encoding="utf-8"))
    assert errors(Draft7Validator(schema), event) == []


# The schemas must also refuse: otherwise every check above would pass vacuously.

def test_schema_refuses_an_envelope_of_another_type():
    event = copy.deepcopy(SAMPLES["ptfc.plan.opened.v1"][0])
    event["type"] = "ptfc.learning.account-activated.v1"  # same data shape, different type
    assert any("type" in e for e in errors(committed_validator("ptfc.plan.opened.v1"), event))


@pytest.mark.parametrize("mutate,where", [
    (lambda e: e["data"].pop("ordered_on"), "data"),
    (lambda e: e["data"]["parent"].update(person_id=""), "data/parent/person_id"),
    (lambda e: e["data"].update(programme="weekend"), "data/programme"),
    (lambda e: e.pop("subject"), "<root>"),
    (lambda e: e.update(specversion="0.3"), "specversion"),
])
def test_schema_refuses_a_broken_referral(mutate, where):
    event = copy.deepcopy(SAMPLES["ptfc.referral.requested.v1"][0])
    mutate(event)
    found = errors(committed_validator("ptfc.referral.requested.v1"), event)
    assert any(e.startswith(where) for e in found), found
