"""Sends the hostile corpus with good traffic between, and waits until everything is answered.

Done means: every hostile message has its dead letter (found by the origin topic, partition and
offset in its headers: no bytes are read from `ptfc.deadletter`) or, for junk in a referral's
programme-checked field, its rejection; every good message has its effect; and every partner
topic's consumer group has committed every offset (no partition is stuck). The checks of what
came back are in report.py.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
import uuid
from typing import Awaitable, Callable

from aiokafka import AIOKafkaProducer

from contracts import referral as R
from contracts import topics as T
from ptfc.corpus import good as G
from ptfc.corpus import watch as W
from ptfc.corpus.generate import Corpus, Hostile, judge
from ptfc.corpus.outcome import Config, Outcome, Sent


def groups(cfg: Config) -> dict[str, list[str]]:
    ns = lambda t: T.namespaced(cfg.namespace, t)  # noqa: E731
    out = {ns("referral"): [ns(T.PARTNER_REFERRALS)], ns("learning"): [ns(T.PARTNER_LEARNING)],
           ns("plans"): [ns(T.PARTNER_PLANS)]}
    return out | {ns(f"workshops.{lot}"): [ns(T.partner_workshops(lot))] for lot in cfg.lots}


async def _send(producer: AIOKafkaProducer, topic: str, value: bytes, key, headers=(), partition=None):
    try:
        return await producer.send(topic, value, key=key, headers=list(headers) or None, partition=partition)
    except Exception as exc:  # refused before it left (e.g. too large for the producer)
        fut = asyncio.get_running_loop().create_future()
        fut.set_exception(exc)
        return fut


async def run(cfg: Config, rss: Callable[[], dict], health: Callable[[], Awaitable[dict]],
              extra: list[Hostile] = (), progress: Callable[[str], None] = lambda s: None) -> Outcome:
    """`extra`: hostile messages of the caller's own, sent first (e.g. a test's named classes)."""
    run_id, rng = uuid.uuid4().hex[:8], random.Random(cfg.seed)
    ns = lambda t: T.namespaced(cfg.namespace, t)  # noqa: E731
    gs = groups(cfg)
    watch = await W.Watch(cfg.bootstrap, cfg.namespace, run_id, {t for ts in gs.values() for t in ts}).start()
    producer = AIOKafkaProducer(bootstrap_servers=cfg.bootstrap, max_request_size=5 * 1024 * 1024,
                                linger_ms=5, request_timeout_ms=120_000)
    await producer.start()
    try:
        good, k = G.GoodTraffic(run_id, cfg.lots), max(4, cfg.n // 100)
        parts = len(await producer.partitions_for(ns(T.PARTNER_REFERRALS)))
        warm = [good.referred() for _ in range(k + 2 * parts)]
        for unit, _, _ in warm:  # referred first: their later events need an accepted referral
            await _send(producer, ns(unit.sends[0].topic), unit.sends[0].value, unit.sends[0].key)
        await W.until(watch, lambda: all(u.effect in watch.facts for u, _, _ in warm), 120, "warm-up referrals")
        runs, body, tail = G.plan(good, [(p, c) for _, p, c in warm], k, parts)
        out = Outcome([], {}, {u.effect for u in body + tail}, [], watch, run_id)
        rng.shuffle(runs)
        out.rss_before, t0 = rss(), time.monotonic()
        corpus = Corpus(cfg.n, cfg.seed, cfg.lots, cfg.namespace, run_id)
        every, pending = max(1, (cfg.n + len(extra)) // max(1, len(runs))), []
        for i, h in enumerate(itertools.chain(extra, corpus)):  # lazily: one message at a time
            pending.append((_slim(h), await _send(producer, h.topic, h.value, h.key, h.headers)))
            out.bytes_sent += len(h.value)
            if i % every == every - 1 and runs:
                pending += await _good_run(producer, ns, runs.pop(), out)
        while runs:
            pending += await _good_run(producer, ns, runs.pop(), out)
        for unit in tail:  # the last message on every partition of every partner topic is a good one
            for s in unit.sends:
                await _send(producer, ns(s.topic), s.value, s.key, partition=s.partition)
                out.good_messages += 1
        await producer.flush()
        for sent, fut in pending:
            try:
                meta = await fut
                sent.partition, sent.offset = meta.partition, meta.offset
            except Exception as exc:  # e.g. over the topic's max.message.bytes on Apache Kafka
                sent.refused_by_broker = type(exc).__name__
            out.sent.append(sent)
        out.skipped = dict(corpus.skipped)
        progress(f"  sent {len(out.sent)} hostile and {out.good_messages} good messages in "
                 f"{time.monotonic() - t0:.1f}s")
        await W.wait_answered(cfg, out, gs, progress, t0)
        out.seconds, out.rss_after, out.health = time.monotonic() - t0, rss(), await health()
        return out
    finally:
        await producer.stop()
        await watch.stop()


async def _good_run(producer, ns, run: list, out: Outcome) -> list:
    """Good sends in order; after a repeat of a referral's (source, id), a malformed one too."""
    pending = []
    for s in run:
        await _send(producer, ns(s.topic), s.value, s.key, partition=s.partition)
    out.good_messages += 1  # a repeat is not good traffic: it must do nothing
    if len(run) > 1:
        out.ignored.append(json.loads(run[1].value)["data"]["referral_id"])
        bad = Hostile(-1, ns(run[0].topic), R.REQUESTED, "duplicate with conflicting content", "(message)",
                      G.malformed_repeat(run[0]), run[0].key)
        bad.reason = judge(bad.topic, "referrals", bad.value)
        pending.append((_slim(bad), await _send(producer, bad.topic, bad.value, bad.key)))
    return pending


def _slim(h: Hostile) -> Sent:
    return Sent(h.topic, h.type, h.kind, h.field, h.expect, h.reason, h.referral_id)


