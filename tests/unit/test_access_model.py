"""The access model (contracts/access.py) and the ACL bindings made from it: every topic covered,
each service's row equal to what its router reads and publishes, and isolation between partners
(a lot's partner reads its own hand-off and the dead letters only; no partner reads a topic that
carries safeguarding facts, contact details or another lot's per-person facts)."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from contracts import access as A
from contracts import topics as T
from contracts.lots import LOTS
from ptfc.kit import acls
from ptfc.kit.acls import bindings

ROOT = Path(__file__).resolve().parents[2]
ROWS = acls.model(LOTS)
BY_NAME = {a.principal: a for a in ROWS}
PARTNERS = [a for a in ROWS if a.kind == A.PARTNER]
LOT_PARTNERS = {lot: BY_NAME[acls.delivery_partner(lot)] for lot in LOTS}


def test_every_topic_of_the_registry_has_a_writer_and_a_reader_and_nothing_else_is_named():
    registry = set(T.all_topics(LOTS))
    for topic in registry:
        assert acls.writers(ROWS, topic) and acls.readers(ROWS, topic), topic
    named = set().union(*(a.reads | a.writes for a in ROWS))
    assert named == registry


@pytest.mark.parametrize("service", A.SERVICES)
def test_a_service_reads_and_writes_exactly_what_its_router_says(service):
    from ptfc.kit.service import Service
    from ptfc.kit.settings import Settings
    from ptfc.catalogue import spec

    svc_spec = spec(service)
    svc = Service(svc_spec, Settings(lot="lot-north" if svc_spec.needs_lot else None, topic_namespace=""))
    broker = svc.make_broker()
    reads = {t for sub in broker.subscribers for t in sub.topic_names}
    writes = {p.topic for p in broker.publishers} | {T.DEADLETTER}  # the kit dead-letters for every consumer
    row = BY_NAME[acls.service_principal(svc.instance)]
    assert (row.reads, row.writes) == (reads, writes)


def test_a_lots_partner_reads_its_own_hand_off_and_the_dead_letters_and_writes_its_own_topic():
    for lot, row in LOT_PARTNERS.items():
        assert row.reads == {T.partner_handoff(lot), T.DEADLETTER}
        assert row.writes == {T.partner_workshops(lot)}
        assert acls.readers(ROWS, T.partner_handoff(lot)) == {row.principal}
        assert acls.writers(ROWS, T.partner_handoff(lot)) == {acls.service_principal("referral")}


def test_no_partner_reads_a_partners_input_topic_or_another_lots_topic():
    inputs = {T.PARTNER_REFERRALS, T.PARTNER_LEARNING, T.PARTNER_PLANS} | {T.partner_workshops(x) for x in LOTS}
    for row in PARTNERS:
        assert not row.reads & inputs, row.principal
        others = {T.partner_handoff(x) for x in LOTS} | {T.partner_workshops(x) for x in LOTS}
        own = {T.partner_handoff(x) for x in LOTS if row is LOT_PARTNERS.get(x)}
        own |= {T.partner_workshops(x) for x in LOTS if row is LOT_PARTNERS.get(x)}
        assert not (row.reads | row.writes) & (others - own), row.principal


def test_internal_topics_with_contact_details_have_one_reader():
    assert acls.readers(ROWS, T.NOTIFICATIONS_REQUESTS) == {"ptfc-notifications"}
    assert acls.readers(ROWS, T.LEARNING_NAMES) == {"ptfc-learning"}


def test_dead_letters_are_read_by_partners_reporting_and_the_operator_and_written_by_every_service():
    assert acls.readers(ROWS, T.DEADLETTER) == {a.principal for a in PARTNERS} | {"ptfc-reporting", A.OPERATOR}
    assert acls.writers(ROWS, T.DEADLETTER) == {a.principal for a in ROWS if a.kind == A.SERVICE}


def _published_payloads() -> dict[str, str]:
    """topic -> the text of every schema its publishers declare (the committed AsyncAPI documents)."""
    out: dict[str, str] = {}
    for path in sorted((ROOT / "contracts" / "asyncapi").glob("*.json")):
        doc = json.loads(path.read_text())

        def resolve(node, seen: set[str]) -> list:
            if isinstance(node, list):
                return [resolve(v, seen) for v in node]
            if not isinstance(node, dict):
                return node
            ref = node.get("$ref")
            if ref and ref not in seen:  # "#/components/schemas/Name": names may hold ":" but not "/"
                seen.add(ref)
                target = doc
                for part in ref[2:].split("/"):
                    target = target[unquote(part)]
                return resolve(target, seen)
            return {k: resolve(v, seen) for k, v in node.items()}
        for key, channel in doc["channels"].items():
            if key.endswith(":publish"):
                text = json.dumps(resolve(channel["messages"], set()))
                out[channel["address"]] = out.get(channel["address"], "") + text
    return out


def test_no_partner_reads_safeguarding_facts_contact_details_or_another_lots_people():
    payloads = _published_payloads()
    assert "Safeguarding" in payloads[T.WORKSHOPS_EVENTS]  # guard the reading: the fact is found
    lot_readers = {row.principal for row in LOT_PARTNERS.values()}
    national = {A.CAFCASS, A.PARENT_HUB}  # partners for every lot's parents
    for topic, text in payloads.items():
        readers = acls.readers(ROWS, topic)
        if "Safeguarding" in text:
            assert not readers & {a.principal for a in PARTNERS}, topic
        if '"email"' in text and topic not in {T.partner_handoff(x) for x in LOTS}:
            assert not readers & {a.principal for a in PARTNERS}, topic  # contact details stay inside
        if '"person_id"' in text:  # per-person facts: a lot's partner reads only its own lot's
            assert readers & lot_readers <= {r.principal for x, r in LOT_PARTNERS.items()
                                             if topic == T.partner_handoff(x)}, topic
            assert readers & {a.principal for a in PARTNERS} <= national | lot_readers


def test_acl_bindings_allow_each_principal_what_the_model_says_under_the_namespace():
    found = bindings(ROWS, "prod")
    east = [b for b in found if b.principal == "User:partner-lot-east"]
    assert {(b.resource, b.name, b.operation) for b in east if b.resource == "TOPIC"} == {
        ("TOPIC", "prod.ptfc.partner.handoff.lot-east", "READ"), ("TOPIC", "prod.ptfc.deadletter", "READ"),
        ("TOPIC", "prod.ptfc.partner.workshops.lot-east", "WRITE")}
    assert {(b.name, b.pattern) for b in east if b.resource == "GROUP"} == {
        ("prod.partner-lot-east", "LITERAL"), ("prod.partner-lot-east.", "PREFIXED")}
    handoff_north = [b for b in found if b.name == "prod.ptfc.partner.handoff.lot-north" and b.operation == "READ"]
    assert {b.principal for b in handoff_north} == {"User:partner-lot-north"}
    describe = {b.principal for b in found if b.operation == "DESCRIBE"}
    assert describe == {"User:ptfc-reporting", f"User:{A.OPERATOR}"}
    assert all(b.wire()[-1] == 3 for b in found)  # ALLOW only: the authorizer denies the rest


def test_the_readme_table_is_the_model():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert acls.markdown(acls.model(["<lot>"])) in readme, "regenerate it: ptfc topics --access-table"


def test_the_model_is_data_and_its_lot_templates_expand_to_each_lots_own_names():
    # contracts/ holds data only: the model's rows are literal, what depends on a lot a template
    assert all(isinstance(a, A.Access) for a in A.ROWS)
    rows = acls.model(["lot-a", "lot-b"])
    assert [a.principal for a in rows if a.kind == A.PARTNER][2:] == ["partner-lot-a", "partner-lot-b"]
    assert BY_NAME["ptfc-workshops-lot-east"].group == "workshops.lot-east"
    assert BY_NAME["partner-lot-east"].note == "the delivery partner of lot-east: its own hand-off only"
    referral = {a.principal: a for a in rows}["ptfc-referral"]  # a row for all lots: every lot's hand-off
    assert {T.partner_handoff("lot-a"), T.partner_handoff("lot-b")} <= referral.writes
    assert not any("{" in t for a in rows for t in a.reads | a.writes)


def test_the_operator_may_write_whatever_a_service_consumes_and_nothing_else():
    consumed = set().union(*(a.reads for a in ROWS if a.kind == A.SERVICE))
    assert BY_NAME[A.OPERATOR].writes == consumed - {T.DEADLETTER}
