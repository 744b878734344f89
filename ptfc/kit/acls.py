"""Kafka ACL bindings generated from the access model (contracts/access.py): pure, no I/O.

Each principal gets ALLOW bindings and nothing else, so with an authorizer that denies by default
(Apache Kafka's StandardAuthorizer with `allow.everyone.if.no.acl.found=false`) a principal can do
only what the model says. READ and WRITE imply DESCRIBE on a topic; since Kafka 3.0 WRITE on a topic
also allows idempotent producing. Topic and group names carry the operator's namespace. The
administrator that creates topics and applies these (`ptfc topics --acls`) is a super user
(`super.users`), not a row of the model.
"""
from __future__ import annotations

from dataclasses import dataclass

from contracts.access import Access
from contracts.topics import namespaced

# Kafka's wire codes (org.apache.kafka.common.acl / resource), as CreateAcls carries them.
RESOURCE = {"TOPIC": 2, "GROUP": 3}
PATTERN = {"LITERAL": 3, "PREFIXED": 4}
OPERATION = {"READ": 3, "WRITE": 4, "DESCRIBE": 8}
ALLOW = 3
ANY = 1


@dataclass(frozen=True, order=True)
class Binding:
    principal: str  # User:<name>
    resource: str  # TOPIC or GROUP
    name: str
    pattern: str  # LITERAL or PREFIXED
    operation: str  # READ, WRITE or DESCRIBE

    def wire(self) -> tuple[int, str, int, str, str, int, int]:
        """CreateAcls' fields: resource type, name, pattern, principal, host, operation, permission."""
        return (RESOURCE[self.resource], self.name, PATTERN[self.pattern], self.principal, "*",
                OPERATION[self.operation], ALLOW)

    def kafka_acls(self) -> str:
        """The same binding as `kafka-acls.sh` arguments, for an operator to apply by hand."""
        target = f"--topic {self.name}" if self.resource == "TOPIC" else f"--group {self.name}"
        pattern = " --resource-pattern-type prefixed" if self.pattern == "PREFIXED" else ""
        return f"--add --allow-principal {self.principal} --operation {self.operation.title()} {target}{pattern}"


def _groups(principal: str, group: str, namespace: str, operation: str) -> list[Binding]:
    """Exactly the group, and any group under it (`reporting.g1`, `cafcass.handoff`)."""
    name = namespaced(namespace, group)
    return [Binding(principal, "GROUP", name, "LITERAL", operation),
            Binding(principal, "GROUP", name + ".", "PREFIXED", operation)]


def bindings(rows: list[Access], namespace: str = "") -> list[Binding]:
    out: set[Binding] = set()
    service_groups = [a.group for a in rows if a.kind == "service" and a.group]
    for a in rows:
        user = f"User:{a.principal}"
        out |= {Binding(user, "TOPIC", namespaced(namespace, t), "LITERAL", "READ") for t in a.reads}
        out |= {Binding(user, "TOPIC", namespaced(namespace, t), "LITERAL", "WRITE") for t in a.writes}
        if a.group:
            out |= set(_groups(user, a.group, namespace, "READ"))
        if a.observes:  # consumer lag: every topic's end offsets, every service's committed ones
            out.add(Binding(user, "TOPIC", namespaced(namespace, "ptfc."), "PREFIXED", "DESCRIBE"))
            for group in service_groups:
                out |= set(_groups(user, group, namespace, "DESCRIBE"))
    return sorted(out)


def render(found: list[Binding]) -> str:
    return "\n".join(b.kafka_acls() for b in found)
