"""Who reads and writes each topic: the access model of contract v1.1 "Isolation", as data.

A principal is the name a client authenticates with (Kafka's `User:<name>`): each partner, each
service instance and the operator's commands. Partner rows follow the contract (who writes which
partner topic, who reads what back); service rows are what each service subscribes to and
publishes (tests/unit/test_access_model.py holds them to the services' routers, so neither can
drift). The README's table and the Kafka ACL bindings (ptfc/kit/acls.py, `ptfc topics --acls`)
are generated from these rows, and nothing else grants access.

Lots are not known here (the operator's area table decides which exist), so names that depend on
one carry the template `{lot}`; ptfc/kit/acls.py expands them. A row whose principal names `{lot}`
is one row per lot, its `{lot}` topics that lot's own; in any other row a `{lot}` topic stands for
every lot's (referral writes each lot's hand-off).

Isolation, as the model states it: a lot's delivery partner reads its own hand-off and the
dead-letter topic, nothing else. `ptfc.workshops.events` and `ptfc.referral.events` carry every
lot's per-person facts (bookings, attendance, safeguarding concerns, acceptances), so no delivery
partner reads them; `ptfc.deadletter` carries reasons and origins only (ptfc/kit/deadletter.py),
so every partner may read it.
"""
from __future__ import annotations

from dataclasses import dataclass

from contracts import topics as T

LOT = "{lot}"
HANDOFF = "ptfc.partner.handoff.{lot}"  # = topics.partner_handoff(lot)
WORKSHOPS_INPUT = "ptfc.partner.workshops.{lot}"  # = topics.partner_workshops(lot)

CAFCASS, PARENT_HUB, OPERATOR = "cafcass", "parent-hub", "ptfc-operator"
LOT_PARTNER = "partner-{lot}"
PARTNER, SERVICE, OPERATOR_KIND = "partner", "service", "operator"
SERVICES = ("referral", "learning", "notifications", "workshops", "plans", "reporting")


@dataclass(frozen=True)
class Access:
    principal: str
    kind: str  # partner, service or operator
    reads: frozenset[str]
    writes: frozenset[str]
    # The consumer group(s) it may use: exactly this name, or this name followed by "." (a service
    # instance's group is its instance name, reporting's generations follow it); None: it reads
    # without a group (assign).
    group: str | None = None
    observes: bool = False  # every topic's offsets and every service's groups (consumer lag)
    note: str = ""


# Every service row also reads the operator's replay facts (the kit subscribes every consumer to
# them, ptfc/kit/replay.py) and writes the dead letters (the kit dead-letters for every consumer).
ROWS: tuple[Access, ...] = (
    Access(CAFCASS, PARTNER, frozenset({T.REFERRAL_EVENTS, T.DEADLETTER}), frozenset({T.PARTNER_REFERRALS}), CAFCASS,
           note="referrals; reads the outcomes back"),
    Access(PARENT_HUB, PARTNER, frozenset({T.LEARNING_EVENTS, T.PLANS_EVENTS, T.DEADLETTER}),
           frozenset({T.PARTNER_LEARNING, T.PARTNER_PLANS}), PARENT_HUB,
           note="e-learning and the plan tool, for parents of every lot"),
    Access(LOT_PARTNER, PARTNER, frozenset({HANDOFF, T.DEADLETTER}), frozenset({WORKSHOPS_INPUT}), LOT_PARTNER,
           note="the delivery partner of {lot}: its own hand-off only"),
    Access("ptfc-referral", SERVICE,
           frozenset({T.PARTNER_REFERRALS, T.LEARNING_EVENTS, T.WORKSHOPS_EVENTS, T.OPS_REPLAY}),
           frozenset({T.REFERRAL_EVENTS, T.NOTIFICATIONS_REQUESTS, T.LEARNING_NAMES, HANDOFF, T.DEADLETTER}),
           "referral"),
    Access("ptfc-learning", SERVICE,
           frozenset({T.PARTNER_LEARNING, T.REFERRAL_EVENTS, T.WORKSHOPS_EVENTS, T.LEARNING_NAMES, T.OPS_REPLAY}),
           frozenset({T.LEARNING_EVENTS, T.NOTIFICATIONS_REQUESTS, T.DEADLETTER}), "learning"),
    Access("ptfc-notifications", SERVICE, frozenset({T.NOTIFICATIONS_REQUESTS, T.REFERRAL_EVENTS, T.OPS_REPLAY}),
           frozenset({T.NOTIFICATIONS_EVENTS, T.DEADLETTER}), "notifications"),
    Access("ptfc-workshops-{lot}", SERVICE,
           frozenset({WORKSHOPS_INPUT, T.REFERRAL_EVENTS, T.LEARNING_EVENTS, T.OPS_REPLAY}),
           frozenset({T.WORKSHOPS_EVENTS, T.NOTIFICATIONS_REQUESTS, T.DEADLETTER}), "workshops.{lot}"),
    Access("ptfc-plans", SERVICE, frozenset({T.PARTNER_PLANS, T.REFERRAL_EVENTS, T.WORKSHOPS_EVENTS, T.OPS_REPLAY}),
           frozenset({T.PLANS_EVENTS, T.NOTIFICATIONS_REQUESTS, T.DEADLETTER}), "plans"),
    Access("ptfc-reporting", SERVICE,
           frozenset({T.REFERRAL_EVENTS, T.LEARNING_EVENTS, T.WORKSHOPS_EVENTS, T.PLANS_EVENTS, T.DEADLETTER,
                      T.OPS_REPLAY}),
           frozenset({T.DEADLETTER}), "reporting", observes=True),
    # `ptfc deadletters|status|erase|learning reissue`: replay sends a refused message back to the
    # topic it came from, so the operator may write whatever a service consumes (the unit test
    # holds this row to the services' reads).
    Access(OPERATOR, OPERATOR_KIND, frozenset({T.DEADLETTER, T.NOTIFICATIONS_EVENTS}),
           frozenset({T.PARTNER_REFERRALS, T.PARTNER_LEARNING, T.PARTNER_PLANS, WORKSHOPS_INPUT, T.REFERRAL_EVENTS,
                      T.LEARNING_EVENTS, T.WORKSHOPS_EVENTS, T.PLANS_EVENTS, T.NOTIFICATIONS_REQUESTS,
                      T.LEARNING_NAMES, T.OPS_REPLAY}), None, observes=True,
           note="the operator's commands (replay, erase, reissue, status)"),
)
