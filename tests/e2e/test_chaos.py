"""`make chaos` in short: whole journeys while every service process is SIGKILLed once and
PostgreSQL is stopped; then nothing lost, nothing decided twice, every email once (a repeat only
when it was on the wire at a fault, under its first copy's Message-ID). The broker outage is left
to `make chaos`: here it would add its own wait to the suite.

A stack of its own (broker, PostgreSQL, SMTP server, one workshops lot): the shared servers are
not stopped. The full run, with figures, is `make chaos` (ptfc/chaos).
"""
from __future__ import annotations

from collections import Counter

from ptfc.chaos import plan
from ptfc.chaos.run import main
from ptfc.catalogue import instances


def test_journeys_survive_a_kill_of_every_service_and_a_database_stop():
    fig, failed = main(n=12, rate=2.0, seed=11, kills_each=1, postgres_seconds=3, broker_seconds=0,
                       lots=["lot-north"], durable=False, timeout=150, settle_timeout=40,
                       env={"SMTP_LEASE_SECONDS": "3", "RETRY_BASE_SECONDS": "0.05"})
    assert fig is not None
    kills = Counter(f.target for f in fig.faults if f.kind == plan.KILL)
    assert kills == {f"{name}.{lot}" if lot else name: 1 for name, lot in instances(["lot-north"])}
    [stop] = [f for f in fig.faults if f.kind != plan.KILL]
    assert stop.kind == plan.POSTGRES and stop.unready == len(kills)  # every one answered 503 meanwhile
    assert fig.reached == 12 and fig.anomalies == []
    assert fig.losses.lost == 0 and fig.losses.duplicates == []
    assert fig.emails.distinct >= 12 * 4 and fig.emails.unexplained == 0 and fig.emails.missing == []
    assert failed == []
