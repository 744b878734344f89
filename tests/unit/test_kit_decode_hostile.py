"""Decoding partner input: every hostile class is refused with a reason that never repeats what
was sent, and `decode` never raises, whatever the bytes (a raise would stall the partition)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import plan, referral, workshop
from ptfc.kit.decode import decode
from ptfc.kit.handling import Route
from tests.support import hostile

TOPIC = "ptfc.partner.referrals"
ROUTE = Route({referral.REQUESTED: object(), referral.WITHDRAWN: object(), plan.SHARED: object(),
               workshop.SESSION_SCHEDULED: object()}, strict=True)


def record(value: bytes, key: bytes | None = b"C-1") -> SimpleNamespace:
    return SimpleNamespace(value=value, key=key, topic=TOPIC, partition=0, offset=7)


def test_a_good_referral_decodes():
    d = decode(record(hostile.good_referral("R-1", "P-1", "C-1")), ROUTE)
    assert d.reason is None and d.event.data.parent.person_id == "P-1"


@pytest.mark.parametrize("name", sorted(hostile.classes()))
def test_each_hostile_class_is_refused_without_repeating_its_values(name):
    d = decode(record(hostile.classes()[name]), ROUTE)
    assert d.event is None and d.reason, f"{name} was accepted"
    assert hostile.MARK not in d.reason and "<script>" not in d.reason
    assert len(d.reason) <= 1000


@pytest.mark.parametrize("email", ["a@b.example\r\nBcc: x@y.example", "a@b.example, c@d.example",
                                   "not an address", "Name <a@b.example>", "a@b.example\u0000"])
def test_addresses_are_checked_at_the_door(email):
    for raw in (hostile.plan_shared(email), hostile.session_scheduled(email=email)):
        d = decode(record(raw), ROUTE)
        assert d.event is None and "email" in d.reason


def test_a_survey_answer_key_chosen_by_the_sender_is_not_quoted():
    raw = json.dumps(hostile.envelope({"person_id": "P-1", "survey": "progress",
                                       "answers": {f"<b>{hostile.MARK}</b>": {"deep": 1}}},
                                      type_="ptfc.learning.survey-submitted.v1")).encode()
    d = decode(record(raw), Route({"ptfc.learning.survey-submitted.v1": object()}, strict=True))
    assert d.reason and hostile.MARK not in d.reason and "answers.*" in d.reason


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_get_a_reason(raw):
    d = decode(record(raw), ROUTE)
    assert (d.event is None) != (d.reason is None)  # a strict (partner) route: one or the other


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                       lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                       max_leaves=20)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(["id", "source", "subject", "time", "type", "data.referral_id", "data.route",
                              "data.ordered_on", "data.parent.given_name", "data.parent.email",
                              "data.parent.needs", "data.co_parent_person_ids", "data.plan_suitable",
                              "data.fca", "data.cppp"]),
       value=JSONISH)
def test_any_value_in_any_field_decodes_or_gets_a_reason_never_quoting_it(field, value):
    env = hostile.envelope(hostile.referral_data())
    node = env
    *parents, last = field.split(".")
    for p in parents:
        node = node[p]
    node[last] = value
    d = decode(record(json.dumps(env, allow_nan=True).encode("utf-8", "surrogatepass")), ROUTE)
    assert (d.event is None) != (d.reason is None)
    if d.reason and isinstance(value, str) and len(value) >= 6 and value.isalnum():
        assert value not in d.reason
