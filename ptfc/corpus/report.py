"""What a corpus run proves, and the figures it prints. Pure: no I/O."""
from __future__ import annotations

import re
from collections import Counter

from ptfc.corpus.generate import DEAD_OR_BROKER, REJECTED
from ptfc.corpus.mutations import MARK
from ptfc.corpus.outcome import Outcome


def category(reason: str) -> str:
    """A reason without its field details, event type or topic: what the counts are by."""
    head = reason.split(":", 1)[0]
    head = re.sub(r"(for topic )\S+", r"\1<topic>", head)
    return re.sub(r"ptfc\.[a-z0-9.-]+\.v\d+", "<its type>", head)


def detail(reason: str) -> str:
    """The first field a reason names, indices as N: the finer counts."""
    parts = reason.split(": ")
    return category(reason) + (": " + re.sub(r"\.\d+(?=\.|$)", ".N", ": ".join(parts[1:3]))[:90]
                               if len(parts) > 1 else "")


def problems(out: Outcome, max_rss_growth_mb: float | None = None) -> list[str]:
    found: list[str] = []
    bad = lambda what, items: found.append(f"{len(items)} {what}, e.g. {items[:3]}") if items else None  # noqa: E731
    letters = out.watch.letters
    answered = [s for s in out.sent if s.refused_by_broker is None]
    dead = [s for s in answered if s.expect != REJECTED]
    bad("hostile messages without a dead letter",
        [(s.kind, s.field, s.topic) for s in dead if (s.topic, s.partition, s.offset) not in letters])
    got = {id(s): letters.get((s.topic, s.partition, s.offset), []) for s in dead}
    bad("with more than one dead letter", [(s.kind, s.field, len(got[id(s)])) for s in dead if len(got[id(s)]) > 1])
    bad("dead letters whose ptfc-reason header is not exactly one (a sender's own header copied?)",
        [(s.kind, l[1]) for s in dead for l in got[id(s)] if len(l[1]) != 1])
    reasons = [(s, l[1][0]) for s in dead for l in got[id(s)] if l[1]]
    bad("dead letters without the decoder's reason (refused elsewhere than at the door)",
        [(s.kind, s.field, r[:120]) for s, r in reasons if r != s.reason])
    bad("reasons that repeat a value the sender chose", [r[:120] for _, r in reasons if MARK in r or out.run in r])
    rejected = [s for s in answered if s.expect == REJECTED]
    bad("junk referrals not rejected", [s.field for s in rejected if ("rejected", s.referral_id) not in out.watch.facts
                                        or ("accepted", s.referral_id) in out.watch.facts])
    bad("refused by the broker that it should have taken",
        [(s.kind, s.refused_by_broker) for s in out.sent if s.refused_by_broker and s.expect != DEAD_OR_BROKER])
    facts = out.watch.facts | out.sessions
    bad("good messages without their effect", sorted(out.effects - facts))
    bad("conflicting repeats that took effect", [r for r in out.ignored if ("accepted", r) in facts
                                                 or ("rejected", r) in facts])
    bad("consumer groups with uncommitted partner messages (a stuck partition)",
        [(g, n) for g, n in out.behind.items() if n])
    bad("services not healthy at the end", [k for k, ok in out.health.items() if not ok])
    if max_rss_growth_mb is not None:
        bad(f"processes whose RSS grew more than {max_rss_growth_mb:.0f} MB",
            [(k, round(out.rss_after.get(k, 0) - v)) for k, v in out.rss_before.items()
             if out.rss_after.get(k, 0) - v > max_rss_growth_mb])
    return found


def render(out: Outcome) -> str:
    letters = out.watch.letters
    answered = [s for s in out.sent if s.refused_by_broker is None]
    reasons = [l[1][0] for s in answered if s.expect != REJECTED
               for l in letters.get((s.topic, s.partition, s.offset), []) if l[1]]
    rejected = sum(1 for s in answered if s.expect == REJECTED and ("rejected", s.referral_id) in out.watch.facts)
    broker = sum(1 for s in out.sent if s.refused_by_broker)
    topics = sorted({s.topic for s in out.sent})
    lines = [f"{len(out.sent)} hostile messages ({out.bytes_sent / 1e6:.0f} MB) on {len(topics)} partner topics, "
             f"{out.good_messages} good ones between them, {len(out.ignored)} conflicting repeats; {out.seconds:.1f}s "
             "from the first sent to the last answered",
             f"answers: {len(reasons)} dead letters, {rejected} rejections on ptfc.referral.events, "
             f"{broker} refused by the broker; good effects {len(out.effects & (out.watch.facts | out.sessions))}"
             f"/{len(out.effects)}; uncommitted partner messages {sum(out.behind.values())}", "", "by reason:"]
    lines += [f"{n:7}  {r}" for r, n in Counter(map(category, reasons)).most_common()]
    if rejected:
        lines.append(f"{rejected:7}  rejected by a programme rule (ptfc.referral.rejected.v1)")
    lines += ["", "most frequent reasons in detail:"]
    lines += [f"{n:7}  {r}" for r, n in Counter(map(detail, reasons)).most_common(12)]
    width = max(len(t) for t in topics) + 2
    lines += ["", f"{'by topic':<{width}}{'hostile':>8}{'answered':>10}"]
    for t in topics:
        mine = [s for s in out.sent if s.topic == t]
        done = [s for s in mine if s.refused_by_broker or (s.topic, s.partition, s.offset) in letters
                or ("rejected", s.referral_id) in out.watch.facts]
        lines.append(f"{t:<{width}}{len(mine):>8}{len(done):>10}")
    kinds = Counter("named classes (tests/support/hostile.py)" if s.kind.startswith("named: ") else s.kind
                    for s in out.sent)
    lines += ["", "by way of breaking:"] + [f"{n:7}  {k}" for k, n in kinds.most_common()]
    if out.skipped:
        lines += ["", "drawn but not sent, the decoder accepts them (allowed by the contract, e.g. line breaks "
                  "in free text): " + ", ".join(f"{k} {n}" for k, n in sorted(out.skipped.items()))]
    width = max([len(k) + 2 for k in out.rss_before] + [28])
    lines += ["", f"{'memory (RSS, MB)':<{width}}{'before':>8}{'after':>8}{'growth':>8}"]
    lines += [f"{k:<{width}}{v:8.0f}{out.rss_after.get(k, float('nan')):8.0f}{out.rss_after.get(k, 0) - v:8.0f}"
              for k, v in out.rss_before.items()]
    return "\n".join(lines)
