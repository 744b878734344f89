"""Who reads and writes each topic: the access model of contract v1.1 "Isolation", as data.

A principal is the name a client authenticates with (Kafka's `User:<name>`): each partner, each
service instance and the operator's commands. Partner rows follow the contract (who writes which
partner topic, who reads what back); service rows are what each service subscribes to and
publishes (tests/unit/test_access_model.py holds them to the services' routers, so neither can
drift). The README's table and the Kafka ACL bindings (ptfc/kit/acls.py, `ptfc topics --acls`)
are generated from this module, and nothing else grants access.

Isolation, as the model states it: a lot's delivery partner reads its own hand-off and the
dead-letter topic, nothing else. `ptfc.workshops.events` and `ptfc.referral.events` carry every
lot's per-person facts (bookings, attendance, safeguarding concerns, acceptances), so no delivery
partner reads them; `ptfc.deadletter` carries reasons and origins only (ptfc/kit/deadletter.py),
so every partner may read it.
"""
from __future__ import annotations

from dataclasses import dataclass

from contracts import topics as T

CAFCASS, PARENT_HUB, OPERATOR = "cafcass", "parent-hub", "ptfc-operator"
PARTNER, SERVICE, OPERATOR_KIND = "partner", "service", "operator"


def delivery_partner(lot: str) -> str:
    return f"partner-{lot}"


def service_principal(instance: str) -> str:
    """`workshops.lot-north` -> `ptfc-workshops-lot-north`."""
    return "ptfc-" + instance.replace(".", "-")


@dataclass(frozen=True)
class Access:
    principal: str
    kind: str  # partner, service or operator
    reads: frozenset[str]
    writes: frozenset[str]
    # The consumer group(s) it may use: exactly this name, or this name followed by "." (a service
    # instance's group, reporting's generations); None: it reads without a group (assign).
    group: str | None = None
    observes: bool = False  # every topic's offsets and every service's groups (consumer lag)
    note: str = ""


def _service_topics(service: str, lot: str | None, lots: list[str]) -> tuple[set[str], set[str]]:
    """(reads, writes) of one service instance. Every instance that consumes may dead-letter."""
    facts = {T.REFERRAL_EVENTS, T.LEARNING_EVENTS, T.WORKSHOPS_EVENTS, T.PLANS_EVENTS}
    requests = T.NOTIFICATIONS_REQUESTS
    rows: dict[str, tuple[set[str], set[str]]] = {
        "referral": ({T.PARTNER_REFERRALS, T.LEARNING_EVENTS, T.WORKSHOPS_EVENTS},
                     {T.REFERRAL_EVENTS, requests, T.LEARNING_NAMES} | {T.partner_handoff(x) for x in lots}),
        "learning": ({T.PARTNER_LEARNING, T.REFERRAL_EVENTS, T.WORKSHOPS_EVENTS, T.LEARNING_NAMES},
                     {T.LEARNING_EVENTS, requests}),
        "notifications": ({requests, T.REFERRAL_EVENTS}, {T.NOTIFICATIONS_EVENTS}),
        "workshops": ({T.partner_workshops(lot or "<lot>"), T.REFERRAL_EVENTS, T.LEARNING_EVENTS},
                      {T.WORKSHOPS_EVENTS, requests}),
        "plans": ({T.PARTNER_PLANS, T.REFERRAL_EVENTS, T.WORKSHOPS_EVENTS}, {T.PLANS_EVENTS, requests}),
        "reporting": (facts | {T.DEADLETTER}, set()),
    }
    reads, writes = rows[service]
    # The kit adds the operator's replay facts to every consumer (ptfc/kit/replay.py).
    return reads | {T.OPS_REPLAY}, writes | {T.DEADLETTER}


SERVICES = ("referral", "learning", "notifications", "workshops", "plans", "reporting")
PER_LOT = frozenset({"workshops"})


def model(lots: list[str]) -> list[Access]:
    """Every principal's access, for these lots (the operator's area table decides which exist)."""
    def lot_partner(lot: str) -> Access:
        return Access(delivery_partner(lot), PARTNER, frozenset({T.partner_handoff(lot), T.DEADLETTER}),
                      frozenset({T.partner_workshops(lot)}), delivery_partner(lot),
                      note=f"the delivery partner of {lot}: its own hand-off only")

    out = [
        Access(CAFCASS, PARTNER, frozenset({T.REFERRAL_EVENTS, T.DEADLETTER}),
               frozenset({T.PARTNER_REFERRALS}), CAFCASS, note="referrals; reads the outcomes back"),
        Access(PARENT_HUB, PARTNER, frozenset({T.LEARNING_EVENTS, T.PLANS_EVENTS, T.DEADLETTER}),
               frozenset({T.PARTNER_LEARNING, T.PARTNER_PLANS}), PARENT_HUB,
               note="e-learning and the plan tool, for parents of every lot"),
        *(lot_partner(lot) for lot in lots),
    ]
    consumed: set[str] = set()
    for service in SERVICES:
        for lot in (lots if service in PER_LOT else [None]):
            instance = f"{service}.{lot}" if lot else service
            reads, writes = _service_topics(service, lot, lots)
            consumed |= reads
            out.append(Access(service_principal(instance), SERVICE, frozenset(reads), frozenset(writes),
                              instance, observes=service == "reporting"))
    # `ptfc deadletters|status|erase|learning reissue`: replay sends a refused message back to
    # the topic it came from, so the operator may write whatever a service consumes.
    out.append(Access(OPERATOR, OPERATOR_KIND, frozenset({T.DEADLETTER, T.NOTIFICATIONS_EVENTS}),
                      frozenset(consumed - {T.DEADLETTER}), None, observes=True,
                      note="the operator's commands (replay, erase, reissue, status)"))
    return out


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
