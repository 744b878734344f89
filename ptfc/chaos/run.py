"""`make chaos` / `ptfc chaos`: journeys under faults on a stack of its own, then the proof.

The figures' meaning is in verdict.py (lost, duplicates by cause) and report.py (what fails).
"""
from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from contracts import topics as T
from contracts.lots import LOTS
from ptfc.chaos import collect, faults, plan, verdict
from ptfc.chaos import journeys as J
from ptfc.chaos.driver import Driver
from ptfc.chaos.report import FaultTime, Figures, failures, render
from ptfc.chaos.stack import Stack


async def evidence(stack: Stack, driver: Driver) -> tuple[verdict.Evidence, set[str], int]:
    """Outboxes, then topics, then inboxes and the rest (collect.outboxes says why). Reading the
    topics first once counted a `sent` row written in between as never published."""
    ev = verdict.Evidence([], {}, {}, collect.routes(stack.instances), set(driver.acked))
    await collect.outboxes(stack.admin_url, stack.instances, ev)
    ev.facts, junk = await collect.read_topics(stack.bootstrap, T.all_topics(stack.lots))
    sent = await collect.states(stack.admin_url, stack.instances, ev)
    return ev, sent, junk


def figures(stack: Stack, driver: Driver, applied: list[faults.Applied], ev: verdict.Evidence, sent: set[str],
            junk: int) -> Figures:
    windows = [verdict.Window(f"{a.fault.kind} {a.fault.target}", a.started, a.ended) for a in applied
               if a.fault.target in ("notifications", "postgres")]
    concurrency = int(stack.envs["notifications"].get("SMTP_CONCURRENCY", "4"))
    em = verdict.emails([(d.at, d.message_id) for d in stack.mailbox.deliveries()], sent, windows, concurrency)
    good = [j for j in driver.js if j.outcome == J.OUTCOME[j.kind]]
    return Figures(
        referrals=len(driver.js), outcomes=Counter(j.outcome for j in good),
        wrong=[f"{j.person} ({j.step}, {j.outcome})" for j in driver.js if j.outcome != J.OUTCOME[j.kind]],
        anomalies=[f"{j.person}: {a}" for j in driver.js for a in j.anomalies],
        faults=[FaultTime(a.fault.kind, a.fault.target, a.ended - a.started, a.recovery, a.unready) for a in applied],
        losses=verdict.losses(ev), emails=em, not_events=junk,
        stuck={**{f"unsent outbox rows ({k})": v for k, v in ev.unsent.items() if v},
               "parked events": sum(ev.parked.values()), "dead letters": sum(ev.dead_letters.values()),
               "emails not sent yet": ev.emails_pending},
        partner_messages=len(driver.acked), partner_retries=driver.retries)


async def progress(driver: Driver, stack: Stack, t0: float, say) -> None:
    while True:
        await asyncio.sleep(10 if len(driver.js) < 1000 else 30)
        steps = Counter(j.step for j in driver.js)
        say(f"  {time.monotonic() - t0:6.1f}s  outcomes {driver.done()}/{len(driver.js)} ("
            + ", ".join(f"{k} {v}" for k, v in steps.items() if k != "done")
            + f"), partner messages {len(driver.acked)}, emails {len(stack.mailbox.deliveries())}")


async def journeys(stack: Stack, n: int, rate: float, seed: int, kills_each: int, postgres_seconds: float,
                   broker_seconds: float, timeout: float, settle_timeout: float, say) -> Figures:
    await stack.wait_ready()
    js = J.journeys(uuid.uuid4().hex[:6], n, stack.lots, datetime.now(timezone.utc))
    # Faults fall while referrals still arrive, so that each one finds work in flight.
    schedule = plan.schedule(list(stack.procs), max(5.0, 0.8 * n / rate), seed, kills_each, postgres_seconds,
                             broker_seconds)
    say(f"{n} referrals at {rate:g}/s; faults (seed {seed}): {plan.describe(schedule)}")
    driver = Driver(stack.bootstrap, stack.admin_url, js, rate, say)
    t0 = time.monotonic()
    breaking = asyncio.create_task(faults.run(stack, schedule, t0, say))
    shown = asyncio.create_task(progress(driver, stack, t0, say))
    try:
        await driver.run(timeout)
        applied = await breaking
        last_outcome = driver.last_outcome
    finally:
        shown.cancel()
    say(f"  {time.monotonic() - t0:6.1f}s  outcomes {driver.done()}/{n}; checking...")
    deadline = time.monotonic() + settle_timeout
    while True:  # every consumer applies what is left, every email lease runs out, then the proof
        before = await collect.fingerprint(stack.admin_url, stack.instances)
        fig = figures(stack, driver, applied, *await evidence(stack, driver))
        fig.unsettled = verdict.unsettled(before, await collect.fingerprint(stack.admin_url, stack.instances))
        if not failures(fig) or time.monotonic() > deadline:
            break
        await asyncio.sleep(2)
    fig.seconds = last_outcome - t0
    fig.drain = last_outcome - max(a.ended for a in applied) if applied else 0.0
    fig.settle = time.monotonic() - last_outcome
    return fig


def main(n: int = 5000, rate: float = 4.0, seed: int | None = None, kills_each: int = 2,
         postgres_seconds: float = 20.0, broker_seconds: float = 15.0, lots: list[str] | None = None,
         durable: bool = True, env: dict[str, str] | None = None, timeout: float | None = None,
         settle_timeout: float = 90.0, say=print) -> tuple[Figures | None, list[str]]:
    """Runs it all; returns the figures and what failed (empty: every invariant held)."""
    seed = seed if seed is not None else int(time.time()) % 100000
    root = Path(tempfile.mkdtemp(prefix="ptfc-chaos-"))
    stack = Stack(root, lots or list(LOTS), durable, env or {})
    fig, failed = None, ["did not finish"]
    try:
        say(f"ptfc chaos: starting its own broker (behind a proxy that can cut it off), PostgreSQL, SMTP server "
            f"and services (logs in {root})")
        stack.start()
        fig = asyncio.run(journeys(stack, n, rate, seed, kills_each, postgres_seconds, broker_seconds,
                                   timeout or 600 + 4 * n / rate, settle_timeout, say))
        failed = failures(fig)
        say(render(fig))
        say("every invariant held" if not failed else "FAILED:\n  " + "\n  ".join(failed)
            + f"\n(logs and the database kept in {root})")
        return fig, failed
    finally:
        stack.stop()
        if not failed:
            shutil.rmtree(root, ignore_errors=True)
