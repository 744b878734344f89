"""Hostile partner input against the real broker and database, on every partner topic at once:
each message costs only itself.

The corpus runner of `make corpus` (ptfc/corpus) with 2,000 generated messages (every field of
every partner type broken every way its kind allows, every way of breaking a whole message on
every topic, messages at the decoder's and the topic's size limits, conflicting repeats), after
the named classes that once halted a service, with good traffic between and after them, against
every service that reads a partner topic, in this process. Each hostile message gets exactly one
dead letter with the decoder's reason (never a value it carried) or, for junk in a referral's
programme-checked field, a rejection; every good message its effect; every partition is
committed to its end; no service stalls; memory stays bounded."""
from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack

from contracts import topics as T
from contracts.lots import LOTS
from contracts.text import TEXT
from ptfc.corpus import report
from ptfc.corpus.main import rss_mb
from ptfc.corpus.run import Config, run
from ptfc.corpus.schema import partner_types
from ptfc.kit.topic_admin import ensure_topics
from services.learning.app import SPEC as LEARNING
from services.plans.app import SPEC as PLANS
from services.referral.app import SPEC as REFERRAL
from services.workshops.app import SPEC as WORKSHOPS
from tests.support import hostile
from tests.support.services import for_service, running

N = 2000
# In-process, every service shares this process: its RSS grows by the working set of the largest
# messages (4 MiB each, a few in flight; 56 MB measured), never by the ~50 MB of junk sent too.
MAX_RSS_GROWTH_MB = 96.0
SERVICES = [(REFERRAL, {}), (LEARNING, {}), (PLANS, {})] + [(WORKSHOPS, {"lot": lot}) for lot in LOTS]


async def test_a_hostile_corpus_on_every_partner_topic_costs_only_itself(settings):
    await ensure_topics(settings, LOTS)  # every lot's partner topic, not only the fixture's two
    async with AsyncExitStack() as stack:
        # Started together (each waits for its consumer group); parking waits long enough for a
        # good event read before its parent's acceptance.
        svcs = await asyncio.gather(*(stack.enter_async_context(running(spec, settings, park_max_seconds=120, **kw))
                                      for spec, kw in SERVICES))
        named = hostile.named(svcs[0].topic(T.PARTNER_REFERRALS))

        async def health() -> dict:
            return {s.instance: s.health.consumer_ok and not s.metrics.counters["consumer_stalls_total"]
                    for s in svcs}
        cfg = Config(settings.kafka_bootstrap_servers, settings.database_url, settings.topic_namespace, LOTS, N,
                     timeout=240, workshops_db=lambda lot: for_service(settings, f"workshops_{lot}").database_name)
        out = await run(cfg, lambda: {"this process (every service)": rss_mb(os.getpid())}, health, extra=named)
        print(report.render(out))
        assert not report.problems(out, MAX_RSS_GROWTH_MB)
        assert len(out.sent) >= N + len(named) and len({s.topic for s in out.sent}) == 3 + len(LOTS)
        # Every text field of every partner type got a control character, and each one-line field
        # CR/LF header injection (free text may hold line breaks: that is drawn, and not sent).
        sent = {(s.type, s.kind, s.field) for s in out.sent}
        texts = [(pt.type, ".".join(map(str, f.path)), f.schema.get("pattern")) for pt in partner_types()
                 for f in pt.fields if f.kind == "text" and f.path[0] == "data"]
        assert not [t for t in texts if (t[0], "control character", t[1]) not in sent]
        assert not [t for t in texts if t[2] != TEXT and (t[0], "header injection", t[1]) not in sent]
        letters = [l for ls in out.watch.letters.values() for l in ls]
        # Partners read the topic: headers only; the refusing service keeps the bytes.
        assert letters and all(size == 0 and key is None for _, _, size, key in letters)
        classes = hostile.classes()
        for s in (s for s in out.sent if s.kind.startswith("named: ")):
            kept = await svcs[0].pool.fetchval('SELECT withheld FROM dead_letters WHERE topic = $1 AND '
                                               'partition = $2 AND "offset" = $3', s.topic, s.partition, s.offset)
            assert bytes(kept) == classes[s.kind.removeprefix("named: ")], s.kind
