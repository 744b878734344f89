"""Topic names. Partner topics and `ptfc.deadletter` are the public contract; the rest is ours."""

PARTNER_REFERRALS = "ptfc.partner.referrals"
PARTNER_LEARNING = "ptfc.partner.learning"
PARTNER_PLANS = "ptfc.partner.plans"
DEADLETTER = "ptfc.deadletter"

REFERRAL_EVENTS = "ptfc.referral.events"
LEARNING_EVENTS = "ptfc.learning.events"
WORKSHOPS_EVENTS = "ptfc.workshops.events"
PLANS_EVENTS = "ptfc.plans.events"
NOTIFICATIONS_EVENTS = "ptfc.notifications.events"
# Internal and sensitive: contact details and email requests, read only by notifications.
NOTIFICATIONS_REQUESTS = "ptfc.notifications.requests"
# Internal and sensitive: the name printed on a parent's certificate, read only by learning.
LEARNING_NAMES = "ptfc.learning.names"
# Internal: operator control facts (a replay of back-dated history begins, ends); read by every service.
OPS_REPLAY = "ptfc.ops.replay"
# No refused bytes reach ptfc.deadletter from any topic (ptfc/kit/deadletter.py); those from these
# two are not even shown to an operator by `ptfc deadletters show` (replay still sends them back).
SENSITIVE = frozenset({NOTIFICATIONS_REQUESTS, LEARNING_NAMES})


def partner_workshops(lot: str) -> str:
    return f"ptfc.partner.workshops.{lot}"


def partner_handoff(lot: str) -> str:
    """v1.1: parents referred to a lot, with contact details, for that lot's partner alone."""
    return f"ptfc.partner.handoff.{lot}"


def all_topics(lots: list[str]) -> list[str]:
    fixed = [
        PARTNER_REFERRALS, PARTNER_LEARNING, PARTNER_PLANS, DEADLETTER, REFERRAL_EVENTS,
        LEARNING_EVENTS, WORKSHOPS_EVENTS, PLANS_EVENTS, NOTIFICATIONS_EVENTS, NOTIFICATIONS_REQUESTS,
        LEARNING_NAMES, OPS_REPLAY,
    ]
    return fixed + [partner_workshops(lot) for lot in lots] + [partner_handoff(lot) for lot in lots]


def namespaced(namespace: str, topic: str) -> str:
    """Prefix a topic with an operator's namespace (empty by default), e.g. for a shared cluster."""
    return f"{namespace}.{topic}" if namespace else topic
