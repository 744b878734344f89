"""Every topic and event type named in the partner contract exists in `contracts/`."""
from __future__ import annotations

import re

import pytest

from contracts.lots import LOTS
from contracts.registry import DATA_MODELS, PARTNER_TYPES
from contracts.topics import all_topics
from ptfc.catalogue import SERVICES

NAME = re.compile(r"`(ptfc\.[A-Za-z0-9_.<>-]+)`")
VERSIONED = re.compile(r"\.v\d+$")
# Services with facts of their own (`ptfc.<service>.events`): reporting only reads them.
PUBLISHING = [s for s in SERVICES if s != "reporting"]


@pytest.fixture(scope="module")
def contract(shared_schemas) -> str:
    path = shared_schemas.parent / "partner-contract.md"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path.read_text(encoding="utf-8")


def contract_topics(text: str) -> set[str]:
    """Topic names in the contract, placeholders expanded (`<lot>`: each lot, `<service>`: each service)."""
    out: set[str] = set()
    for name in set(NAME.findall(text)):
        if VERSIONED.search(name):
            continue  # an event type, not a topic
        if "<lot>" in name:
            out |= {name.replace("<lot>", lot) for lot in LOTS}
        elif "<service>" in name:
            out |= {name.replace("<service>", s) for s in PUBLISHING}
        else:
            out.add(name)
    return out


def test_contract_topics_are_in_contracts_topics(contract):
    topics = contract_topics(contract)
    # Guard the parser: these must be found, or the check below proves nothing.
    assert {"ptfc.partner.referrals", "ptfc.partner.workshops.lot-north", "ptfc.deadletter",
            "ptfc.referral.events"} <= topics
    missing = sorted(topics - set(all_topics(LOTS)))
    assert not missing, f"topics in partner-contract.md but not in contracts/topics.py: {missing}"


def test_contract_event_types_are_registered(contract):
    types = {n for n in NAME.findall(contract) if VERSIONED.search(n)}
    assert types, "no event types found in the contract"
    missing = sorted(types - set(DATA_MODELS))
    assert not missing, f"event types in partner-contract.md but not in contracts/registry.py: {missing}"


def test_contract_input_types_are_accepted_on_partner_topics(contract):
    # Each input type has its own bold paragraph (**ptfc.x.y.v1**: fields...). The project may
    # accept more (the contract allows additions), never fewer.
    headed = set(re.findall(r"\*\*(ptfc\.[a-z0-9.-]+\.v\d+)\*\*", contract))
    assert len(headed) >= 16, "the contract's type headings were not found"
    missing = sorted(headed - set().union(*PARTNER_TYPES.values()))
    assert not missing, f"contract input types no partner topic accepts: {missing}"


def test_placeholders_expand():
    assert contract_topics("`ptfc.partner.workshops.<lot>` `ptfc.<service>.events` `ptfc.a.b.v1`") == (
        {f"ptfc.partner.workshops.{lot}" for lot in LOTS} | {f"ptfc.{s}.events" for s in PUBLISHING})


def camel(words: str) -> str:
    return "".join(w.capitalize() for w in re.split(r"[-_]", words))


@pytest.mark.parametrize("wire", sorted(DATA_MODELS))
def test_model_names_follow_their_wire_names(wire):
    """`ptfc.<domain>.<event>.vN` -> `[Domain]Event[Fact]`: the domain (singular) may lead, so a
    model reads on its own (ReferralAccepted); `Fact` tells a service's fact from a partner's
    same-named input (PlanOpenedFact). A reader finds the model from the wire name alone."""
    _, domain, event, _ = wire.split(".")
    base, prefix = camel(event), camel(domain.removesuffix("s"))
    allowed = {name + fact for name in (base, prefix + base) for fact in ("", "Fact")}
    assert DATA_MODELS[wire].__name__ in allowed, f"{wire}: expected one of {sorted(allowed)}"
