"""The hostile corpus: malformed messages for every partner topic, each with the answer it must get.

First a sweep (every field of every partner type, by every way of breaking a field of its kind;
every way of breaking a whole message, on every topic; a message at each size limit), then random
draws, all from one seed. The decoder is the oracle: a message it would accept is not malformed by
the contract (free text may hold line breaks, say) and is not sent, with one exception: a referral
whose email, route or area is junk is answered with a rejection on `ptfc.referral.events`, as the
contract says. Lazy: one message exists at a time, so the corpus costs no memory. Pure: no I/O.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from random import Random
from types import SimpleNamespace
from typing import Iterator

from contracts import referral as R
from contracts import topics as T
from contracts.registry import PARTNER_TYPES
from ptfc.corpus import envelopes as E
from ptfc.corpus import mutations as M
from ptfc.corpus.schema import PartnerType, partner_types
from ptfc.kit.decode import decode
from ptfc.kit.handling import Route
from ptfc.kit.logging import scrub_text

DEAD, REJECTED, DEAD_OR_BROKER = "dead letter", "rejection", "dead letter, or refused by the broker"
# Programme rules, not schema: junk here is a rejection listing the reason (contracts/referral.py).
PROGRAMME_CHECKED = {"route", "cafcass_area", "email", "court_email", "proceedings"}


@dataclass
class Hostile:
    n: int
    topic: str                 # namespaced
    type: str
    kind: str                  # how it was broken
    field: str                 # which field, or "(message)"
    value: bytes
    key: bytes | None
    headers: list = field(default_factory=list)
    expect: str = DEAD
    reason: str | None = None  # the decoder's, as the service must publish it
    referral_id: str | None = None


def judge(topic: str, topic_kind: str, value: bytes, key: bytes | None = None) -> str | None:
    """The reason a partner topic's service must give for this message (None: it is decoded)."""
    route = Route({t: object() for t in PARTNER_TYPES[topic_kind]}, strict=True)
    d = decode(SimpleNamespace(value=value, key=key, topic=topic, partition=0, offset=0), route)
    return None if d.reason is None else scrub_text(d.reason)[:1000]


def topics_of(kind: str, lots: list[str]) -> list[str]:
    return ([T.partner_workshops(lot) for lot in lots] if kind == "workshops"
            else [{"referrals": T.PARTNER_REFERRALS, "learning": T.PARTNER_LEARNING, "plans": T.PARTNER_PLANS}[kind]])


def sweep(types: tuple[PartnerType, ...], lots: list[str]) -> list[tuple]:
    """Every (type, field, way) once; every message-level way once per topic; the size limits."""
    plan: list[tuple] = []
    ways = lambda f: [kind for kind, (applies, _) in M.FIELD_MUTATIONS.items() if applies(f)]  # noqa: E731
    for pt in types:  # every data field of every type
        plan += [(pt, way, f) for f in pt.fields if f.path[0] == "data" for way in ways(f)]
    for i, (kind, topic) in enumerate((k, t) for k in sorted(PARTNER_TYPES) for t in topics_of(k, lots)):
        own = [p for p in types if p.topic_kind == kind]
        pt = own[i % len(own)]  # the envelope is the same for every type: each topic's once
        plan += [(pt, way, f, topic) for f in pt.fields if f.path[0] != "data" for way in ways(f)]
        plan += [(pt, way, None, topic) for way in E.MESSAGE_MUTATIONS]
        plan += [(pt, "size limit", E.SIZE_LIMITS[0], topic), (pt, "size limit", E.SIZE_LIMITS[1 + i % 3], topic)]
    return plan


class Corpus:
    def __init__(self, n: int, seed: int, lots: list[str], namespace: str = "", run: str = "c") -> None:
        self.n, self.rng, self.lots, self.ns, self.run = n, Random(seed), lots, namespace, run
        self.types = partner_types()
        self.skipped: Counter = Counter()  # accepted by the decoder: not malformed, not sent
        self.big_left = max(4, n // 200)   # large messages beyond the sweep's size limits

    def __iter__(self) -> Iterator[Hostile]:
        plan = sweep(self.types, self.lots)
        self.rng.shuffle(plan)
        sizes = [p for p in plan if p[1] == "size limit"]
        plan = [p for p in plan if p[1] != "size limit"][: max(0, self.n - len(sizes))]
        plan += sizes[: self.n]
        self.rng.shuffle(plan)
        count = 0
        while count < self.n:
            h = self.build(count, plan.pop() if plan else self.draw())
            if h is not None:
                yield h
                count += 1

    def draw(self) -> tuple:
        pt = self.rng.choice(self.types)
        if self.rng.random() < 0.2:
            return (pt, self.rng.choice(list(E.MESSAGE_MUTATIONS)), None)
        f = self.rng.choice(pt.fields)
        kinds = [k for k, (applies, _) in M.FIELD_MUTATIONS.items() if applies(f)]
        return (pt, self.rng.choice(kinds), f)

    def build(self, n: int, item: tuple) -> Hostile | None:
        pt, kind, what = item[:3]
        topic = item[3] if len(item) > 3 else self.rng.choice(topics_of(pt.topic_kind, self.lots))
        full = T.namespaced(self.ns, topic)
        case = f"C-{self.run}-{self.rng.randrange(8)}"
        env = E.base(pt, f"{self.run}-{n}", case)
        if kind == "size limit":
            value, path = E.at_size(env, what), "(message)"
        elif kind in E.MESSAGE_MUTATIONS:
            value, path = E.MESSAGE_MUTATIONS[kind](self.rng, env, full), "(message)"
        else:
            change = M.FIELD_MUTATIONS[kind][1](self.rng, what, self.big_left > 0)
            self.big_left -= change.big
            value, path = E.apply(env, what.path, change), ".".join(map(str, what.path))
        key, headers = E.hostile_key_and_headers(self.rng, case)
        h = Hostile(n, full, pt.type, kind, path, value, key, headers)
        h.reason = judge(full, pt.topic_kind, value, key)
        if kind == "size limit" and what > E.TOPIC_LIMIT:
            h.expect = DEAD_OR_BROKER
        elif h.reason is None:
            last = what.path[-1] if what is not None else None
            if pt.type == R.REQUESTED and last in PROGRAMME_CHECKED and kind in ("control character", "header injection"):
                h.expect, h.referral_id = REJECTED, f"{self.run}-{n}"
            else:
                self.skipped[kind] += 1
                return None
        return h

