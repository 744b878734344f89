"""`make bench`, reporting part: how fast the read model is rebuilt from the topics, and how long
the KPI report takes for a year of 10,000 referrals (goals: >= 20,000 events/s, < 200 ms).

The facts are published as the services would publish them (contracts models, real envelopes),
then a reporting service with an empty database reads them all from the beginning, as a rebuild
does. Events/s counts from the moment its consumer is handed the first batch to the moment the
last batch is applied (start-up and the group join are the same for any history, and not what is
measured).
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import statistics
import time
import uuid
from datetime import date, datetime, time as clock_time, timedelta, timezone

from aiokafka import AIOKafkaProducer

from contracts import learning as L
from contracts import plan as P
from contracts import referral as R
from contracts import topics as T
from contracts import workshop as W
from contracts.envelope import event_dict
from contracts.lots import DEFAULT_AREA_TO_LOT
from ptfc.kit.settings import Settings

START = date(2025, 12, 1)


def facts(n: int, run: str) -> list[tuple[str, str, object, datetime, str]]:
    """(topic, type, data, time, case) for n referrals over a year, with realistic proportions."""
    rng, out = random.Random(7), []
    areas = sorted(DEFAULT_AREA_TO_LOT)
    for i in range(n):
        day0 = START + timedelta(days=rng.randrange(365))
        at = datetime.combine(day0, clock_time(10), timezone.utc)
        case, person, area = f"BR-{run}-{i // 2}", f"PB-{run}-{i}", rng.choice(areas)
        out.append((T.REFERRAL_EVENTS, R.ACCEPTED, R.ReferralAccepted(
            referral_id=f"RB-{run}-{i}", case_number=case, person_id=person, programme="ptfc",
            route=rng.choice(["court_order"] * 4 + ["fca_recommendation"]), lot=DEFAULT_AREA_TO_LOT[area],
            cafcass_area=area, ordered_on=day0 - timedelta(days=rng.randrange(8)), referred_on=day0,
            elearning_due_on=day0 + timedelta(days=14), workshop_due_on=day0 + timedelta(days=35),
            completion_due_on=day0 + timedelta(days=42), co_parent_person_ids=[], plan_suitable=True), at, case))
        if rng.random() < 0.6:
            done = at + timedelta(days=rng.randrange(25))
            out.append((T.LEARNING_EVENTS, L.ELEARNING_COMPLETED, L.ElearningCompleted(
                person_id=person, completed_at=done, within_target=(done - at).days <= 14), done, case))
            if rng.random() < 0.7:
                ended = done + timedelta(days=rng.randrange(3, 30))
                out.append((T.WORKSHOPS_EVENTS, W.PARENT_ATTENDED, W.ParentAttended(
                    person_id=person, session_id=f"SB-{i}", lot=DEFAULT_AREA_TO_LOT[area], attended_on=ended.date(),
                    recorded_at=ended, ended_at=ended), ended, case))
                out.append((T.LEARNING_EVENTS, L.FEEDBACK_RECORDED, L.FeedbackRecorded(
                    person_id=person, submitted_at=ended, clearer_understanding=rng.random() < 0.9,
                    child_at_centre=rng.random() < 0.97, satisfaction=rng.choice([3, 4, 5, 5])), ended, case))
        if rng.random() < 0.45:
            out.append((T.PLANS_EVENTS, P.PLAN_VIEWED, P.PlanViewedFact(case_number=case, person_id=person),
                        at + timedelta(days=20), case))
    return out


async def publish(bootstrap: str, ns: str, events: list) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=256 * 1024)
    await producer.start()
    try:
        source = "/ptfc/bench"
        for n, (topic, type_, data, at, case) in enumerate(events):
            doc = event_dict(id=f"bench-{n}", source=source, type=type_, time=at, subject=case, data=data)

            await producer.send(T.namespaced(ns, topic), json.dumps(doc).encode(), key=case.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def rebuild_and_query(settings: Settings, events: int) -> tuple[float, list[float], int, int]:
    """Starts a reporting service on an empty database, times it to the last event, then the report."""
    from ptfc.kit.service import Service
    from services.reporting import store_report
    from services.reporting.domain import report
    from services.reporting.app import SPEC
    marks: dict[str, float] = {}

    def timed_router(svc: Service):
        """The service's own router, its consumer's batches timed: decoding, applying, committing."""
        router = SPEC.build_router(svc)
        handle = svc.consumer.handle_batch

        async def handle_batch(records: tuple) -> None:
            marks.setdefault("first", time.perf_counter())
            marks["busy"] = 1
            try:
                await handle(records)
            finally:
                marks["last"], marks["busy"], marks["batches"] = time.perf_counter(), 0, marks.get("batches", 0) + 1
        svc.consumer.handle_batch = handle_batch
        return router

    svc = Service(dataclasses.replace(SPEC, build_router=timed_router), settings)
    await svc.start()
    try:
        # The last batch's rows are visible once it committed, a moment before it returns.
        deadline = time.monotonic() + 120
        while marks.get("busy", 1) or (await svc.pool.fetchval("SELECT count(*) FROM inbox")) < events:
            if time.monotonic() > deadline:
                raise SystemExit(f"reporting bench: {events} events not all applied within 120 s")
            await asyncio.sleep(0.05)
        elapsed = marks["last"] - marks["first"]
        await svc.pool.execute("ANALYZE")  # as autovacuum does after a bulk load: the plan needs it
        f = report.filters(START.isoformat(), (START + timedelta(days=364)).isoformat(), areas=DEFAULT_AREA_TO_LOT)
        times = []
        for _ in range(10):
            t0 = time.perf_counter()
            async with svc.pool.acquire() as conn:
                doc = await store_report.kpi(conn, f)
            times.append(time.perf_counter() - t0)
        return elapsed, times, doc["referrals"], int(marks["batches"])
    finally:
        await svc.stop()


def main_part(bootstrap: str, dburl: str, n: int = 10_000) -> None:
    ns = "r" + uuid.uuid4().hex[:8]
    settings = Settings(kafka_bootstrap_servers=bootstrap, database_url=dburl, topic_namespace=ns,
                        log_level="WARNING", database_name=f"{ns}_reporting")
    from ptfc.kit.topic_admin import ensure_topics
    asyncio.run(ensure_topics(settings, ["lot-north", "lot-east"]))
    events = facts(n, ns)
    print(f"reporting: publishing {len(events)} facts of {n} referrals over a year...")
    asyncio.run(publish(bootstrap, ns, events))
    elapsed, times, referrals, batches = asyncio.run(rebuild_and_query(settings, len(events)))
    rate = len(events) / elapsed
    q50, q95 = statistics.median(times) * 1000, sorted(times)[8] * 1000
    print(f"reporting rebuild: {len(events)} events in {batches} batches, {elapsed:.2f} s = {rate:.0f} events/s "
          f"(goal >= 20000: {'met' if rate >= 20_000 else 'NOT met'})")
    print(f"KPI report over {referrals} referrals: p50 {q50:.0f} ms, p95 {q95:.0f} ms "
          f"(goal < 200 ms: {'met' if q95 < 200 else 'NOT met'})")


