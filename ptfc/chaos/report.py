"""The run's figures, what fails it, and how they are printed: pure, no I/O."""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from ptfc.chaos.plan import BROKER, KILL, POSTGRES
from ptfc.chaos.verdict import Emails, Losses


@dataclass(frozen=True)
class FaultTime:
    kind: str
    target: str
    down: float  # seconds from the fault to the process, server or connection being back
    recovery: float  # seconds from then to every affected service answering ready
    unready: int | None = None  # an outage: services that answered 503 half-way through it


@dataclass
class Figures:
    referrals: int
    outcomes: Counter  # outcome type -> journeys that reached the outcome expected of them
    wrong: list[str]  # persons whose outcome was missing or not the expected one
    anomalies: list[str]  # "person: fact" that must not happen in these journeys
    faults: list[FaultTime]
    losses: Losses
    emails: Emails
    not_events: int = 0  # records on a topic that are not events (none are sent)
    stuck: dict[str, int] = field(default_factory=dict)  # "what": count left at the end (must be 0)
    partner_messages: int = 0
    partner_retries: int = 0
    seconds: float = 0.0  # the journeys' whole run
    drain: float = 0.0  # from the last fault's end to the last outcome (negative: a fault ended after it)
    settle: float = 0.0  # from the last outcome to the checks done (passing, or given up)
    unsettled: list[str] = field(default_factory=list)  # instances still at work while it was read

    @property
    def reached(self) -> int:
        return sum(self.outcomes.values())


def failures(f: Figures) -> list[str]:
    out = []
    if f.reached != f.referrals:
        out.append(f"{f.referrals - f.reached} referrals did not reach their outcome: {', '.join(f.wrong[:5])}")
    if f.anomalies:
        out.append(f"{len(f.anomalies)} facts that these journeys must not produce: {', '.join(f.anomalies[:5])}")
    lo = f.losses
    for what, items in (("outbox rows never published", lo.unpublished), ("events never applied", lo.unapplied),
                        ("partner messages acknowledged but not on their topic", lo.partner),
                        ("causes decided more than once", lo.duplicates)):
        if items:
            out.append(f"{len(items)} {what}: {items[:3]}")
    em = f.emails
    for what, items in (("emails recorded as sent but never delivered", em.missing),
                        ("emails delivered but not recorded as sent", em.unrecorded),
                        ("faults that repeated more emails than were on the wire", em.over_concurrency)):
        if items:
            out.append(f"{len(items)} {what}: {items[:3]}")
    if em.unexplained:
        out.append(f"{em.unexplained} emails repeated with no fault under way: "
                   f"{[m for m, w in em.repeats if not w][:3]}")
    out += [f"{n} {what} at the end" for what, n in sorted(f.stuck.items()) if n]
    if f.not_events:
        out.append(f"{f.not_events} records that are not events")
    if f.unsettled:
        out.append(f"still at work while the evidence was read (not at rest): {', '.join(f.unsettled)}")
    return out


def _times(values: list[float]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.1f} s"
    return f"p50 {statistics.median(values):.1f} s, max {max(values):.1f} s"


def render(f: Figures) -> str:
    kills = [t for t in f.faults if t.kind == KILL]
    per = Counter(t.target for t in kills)
    outages = [t for t in f.faults if t.kind != KILL]
    names = {POSTGRES: "PostgreSQL stopped", BROKER: "broker cut off"}
    lo, em = f.losses, f.emails
    repeated = Counter(w for _, w in em.repeats if w)
    instances = len(per)
    lines = [
        f"faults:      {len(kills)} SIGKILLs ({min(per.values(), default=0)}-{max(per.values(), default=0)} per "
        f"service instance, {len(per)} instances); " + (", ".join(
            f"{names.get(t.kind, t.kind)} for {t.down:.1f} s ({t.unready}/{instances} services not ready "
            "half-way)" for t in outages) or "no outage"),
        f"recovery:    back to ready after a kill {_times([t.recovery for t in kills])} "
        f"(restart to ready; {_times([t.down + t.recovery for t in kills])} from the kill)"
        + "".join(f"; after {names.get(t.kind, t.kind)} {t.recovery:.1f} s" for t in outages),
        f"             last outcome {f.drain:.1f} s after the last fault; checks done "
        f"{f.settle:.1f} s after the last outcome; whole run {f.seconds:.0f} s",
        f"journeys:    {f.reached}/{f.referrals} reached their outcome ("
        + ", ".join(f"{n} {t.split('.')[2]}" for t, n in sorted(f.outcomes.items()))
        + f"); {len(f.anomalies)} anomalies",
        f"events:      {f.partner_messages} partner messages ({f.partner_retries} sends retried through the outage); "
        f"{lo.events} distinct events on all topics, {lo.copies} redelivered copies (same id, dropped by inboxes)",
        f"lost:        {lo.lost} (outbox->topic {len(lo.unpublished)}, topic->service {len(lo.unapplied)}, "
        f"partner->topic {len(lo.partner)}); emails recorded sent but not delivered {len(em.missing)}",
        f"duplicates:  {len(lo.duplicates)} facts decided twice (by cause); emails: {em.deliveries} deliveries of "
        f"{em.distinct} Message-IDs, {len(em.repeats)} repeated"
        + (f" ({', '.join(f'{n} at {w}' for w, n in sorted(repeated.items()))}; each with its first copy's "
           f"Message-ID)" if repeated else "") + f", {em.unexplained} with no fault under way",
        "left over:   " + ", ".join(f"{what} {n}" for what, n in sorted(f.stuck.items())),
    ]
    return "\n".join(lines)
