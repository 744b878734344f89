"""What the run proves, from what was collected: pure, no I/O.

- lost: a row a service's relay marked sent (so the broker acknowledged it) that is not on its
  topic; an event on a topic a service handles that is not in that service's inbox (never
  applied); a partner message acknowledged but not on its topic. A row not sent yet is not
  lost: it is left over ("unsent"), which fails the run too if it stays so.
- duplicates, by cause: event ids derive from their cause (outbox.Emitter), so a relay that sends
  a batch again after a kill repeats the same id: a *copy*, which every inbox drops, counted but
  not a duplicate. A duplicate *fact* is one cause decided twice: two ids for what may happen
  once (ONCE below: a second certificate for a person, a second acceptance of a referral), or
  two ids with the very same content.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from contracts import learning as L
from contracts import notification as N
from contracts import referral as R
from contracts import workshop as W

# What may be decided once only: the data fields that name it.
ONCE = {R.ACCEPTED: ("referral_id",), R.REJECTED: ("referral_id",), R.COMPLETED: ("referral_id",),
        R.NON_COMPLETION_REPORTED: ("referral_id",), R.WITHDRAWAL_ACCEPTED: ("referral_id",),
        R.PARENT_REFERRED: ("referral_id",), R.PARENT_CLOSED: ("referral_id",),
        L.ELEARNING_COMPLETED: ("person_id",), L.CERTIFICATE_ISSUED: ("person_id",),
        L.INVITATION_SENT: ("person_id", "expires_at"), L.FEEDBACK_RECORDED: ("person_id", "submitted_at"),
        W.BOOKING_CONFIRMED: ("person_id", "session_id"), W.PARENT_ATTENDED: ("person_id", "session_id"),
        N.SENT: ("notification_id",), N.FAILED: ("notification_id",)}


@dataclass(frozen=True)
class Fact:
    topic: str
    id: str
    source: str
    type: str
    subject: str
    data: dict


def cause_key(f: Fact) -> tuple:
    if f.type in ONCE:
        return (f.topic, f.type, *(str(f.data.get(k)) for k in ONCE[f.type]))
    return (f.topic, f.type, f.subject, json.dumps(f.data, sort_keys=True))


@dataclass
class Evidence:
    facts: list[Fact]  # every record of every topic, in the order read (copies included)
    outboxes: dict[str, list[tuple[str, str]]]  # instance -> (topic, event id) of every row marked sent
    inboxes: dict[str, set[tuple[str, str]]]  # instance -> (source, id) applied
    routes: dict[str, dict[str, frozenset[str]]]  # instance -> topic -> types it handles
    partner_sent: set[tuple[str, str]]  # (topic, id) the partners had acknowledged
    unsent: dict[str, int] = field(default_factory=dict)  # outbox rows not sent yet: not lost, not at rest
    parked: dict[str, int] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)
    emails_pending: int = 0  # notifications still to send (pending, or claimed by a sender)


@dataclass
class Losses:
    unpublished: list[tuple[str, str, str]]  # (instance, topic, id)
    unapplied: list[tuple[str, str, str]]  # (instance, topic, id)
    partner: list[tuple[str, str]]
    copies: int  # records that repeat an id already on their topic
    duplicates: list[tuple]  # cause keys decided more than once
    events: int  # distinct events on all topics

    @property
    def lost(self) -> int:
        return len(self.unpublished) + len(self.unapplied) + len(self.partner)


def losses(ev: Evidence) -> Losses:
    on_topic = {(f.topic, f.id) for f in ev.facts}
    distinct = {(f.topic, f.id): f for f in ev.facts}
    unpublished = [(inst, t, i) for inst, rows in sorted(ev.outboxes.items())
                   for t, i in rows if (t, i) not in on_topic]
    unapplied = []
    for inst, by_topic in sorted(ev.routes.items()):
        inbox = ev.inboxes.get(inst, set())
        unapplied += [(inst, f.topic, f.id) for f in distinct.values()
                      if f.type in by_topic.get(f.topic, ()) and (f.source, f.id) not in inbox]
    causes = Counter(cause_key(f) for f in distinct.values())
    return Losses(unpublished, unapplied, sorted(ev.partner_sent - on_topic), len(ev.facts) - len(distinct),
                  sorted(k for k, n in causes.items() if n > 1), len(distinct))


def unsettled(before: dict[str, tuple], after: dict[str, tuple]) -> list[str]:
    """Instances whose state (collect.fingerprint) changed while the evidence was read. The
    reads are ordered so that no such change can make a loss appear (collect.outboxes), but a
    system still at work is not the system at rest the run must prove: such a round is not a
    verdict, and the run looks again (or, at its deadline, fails saying so)."""
    return sorted(i for i in before.keys() | after.keys() if before.get(i) != after.get(i))


@dataclass(frozen=True)
class Window:
    """A fault that can cut an email's sender between the SMTP server's 250 and its record."""
    what: str
    started: float
    ended: float


@dataclass
class Emails:
    deliveries: int
    distinct: int
    repeats: list[tuple[str, str]]  # (Message-ID, the fault it was in flight at, or "")
    missing: list[str]  # recorded as sent, never delivered
    unrecorded: list[str]  # delivered, never recorded as sent
    over_concurrency: list[str]  # faults that repeated more emails than could be on the wire

    @property
    def unexplained(self) -> int:
        return sum(1 for _, w in self.repeats if not w)


def emails(deliveries: list[tuple[float, str]], sent_ids: set[str], windows: list[Window],
           concurrency: int) -> Emails:
    """`deliveries`: (arrival, Message-ID). A repeat is explained by a fault under way between
    the first copy's arrival and the repeat's (the record of the first was cut off)."""
    by_id: dict[str, list[float]] = defaultdict(list)
    for at, mid in sorted(deliveries):
        by_id[mid].append(at)
    repeats = []
    for mid, times in sorted(by_id.items()):
        for again in times[1:]:
            w = next((w for w in windows if times[0] <= w.ended + 1.0 and again >= w.started), None)
            repeats.append((mid, w.what if w else ""))
    per_fault = Counter(w for _, w in repeats if w)
    return Emails(len(deliveries), len(by_id), repeats, sorted(sent_ids - set(by_id)), sorted(set(by_id) - sent_ids),
                  sorted(w for w, n in per_fault.items() if n > concurrency))
