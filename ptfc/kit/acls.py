"""The access model (contracts/access.py) for the running lots, and the Kafka ACL bindings made
from it: pure, no I/O.

`model(lots)` expands the model's `{lot}` templates (the rule is stated in contracts/access.py): the
README's table is `markdown(model(["<lot>"]))` (`ptfc topics --access-table`).

Each principal gets ALLOW bindings and nothing else, so with an authorizer that denies by default
(Apache Kafka's StandardAuthorizer with `allow.everyone.if.no.acl.found=false`) a principal can do
only what the model says. READ and WRITE imply DESCRIBE on a topic; since Kafka 3.0 WRITE on a topic
also allows idempotent producing. Topic and group names carry the operator's namespace. The
administrator that creates topics and applies these (`ptfc topics --acls`) is a super user
(`super.users`), not a row of the model.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from contracts.access import LOT, LOT_PARTNER, ROWS, Access
from contracts.topics import namespaced

def model(lots: list[str]) -> list[Access]:
    """Every principal's access for these lots, in the model's order."""
    def every(topics: frozenset[str]) -> frozenset[str]:  # a row for all lots: each lot's topic
        return frozenset(x for t in topics for x in ([t.replace(LOT, lot) for lot in lots] if LOT in t else [t]))

    def one(a: Access, lot: str) -> Access:  # a row per lot: that lot's names
        own = lambda ts: frozenset(t.replace(LOT, lot) for t in ts)  # noqa: E731
        return replace(a, principal=a.principal.replace(LOT, lot), reads=own(a.reads), writes=own(a.writes),
                       group=a.group and a.group.replace(LOT, lot), note=a.note.replace(LOT, lot))
    return [x for a in ROWS for x in ([one(a, lot) for lot in lots] if LOT in a.principal
                                      else [replace(a, reads=every(a.reads), writes=every(a.writes))])]


def delivery_partner(lot: str) -> str:
    return LOT_PARTNER.replace(LOT, lot)


def service_principal(instance: str) -> str:
    """`workshops.lot-north` -> `ptfc-workshops-lot-north` (the model's service rows name them so)."""
    return "ptfc-" + instance.replace(".", "-")


def readers(rows: list[Access], topic: str) -> set[str]:
    return {a.principal for a in rows if topic in a.reads}


def writers(rows: list[Access], topic: str) -> set[str]:
    return {a.principal for a in rows if topic in a.writes}


def markdown(rows: list[Access]) -> str:
    """The README's table: one line per principal (for lots: `<lot>` stands for each)."""
    lines = ["| principal | kind | reads | writes |", "|---|---|---|---|"]
    for a in rows:
        code = lambda ts: ", ".join(f"`{t}`" for t in sorted(ts)) or "nothing"  # noqa: E731
        lines.append(f"| `{a.principal}` | {a.kind} | {code(a.reads)} | {code(a.writes)} |")
    return "\n".join(lines)


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
