"""The rule that sizes a consumer's next fetch from the records it has just had (pure)."""
from __future__ import annotations

from types import SimpleNamespace

from ptfc.kit import fetching
from ptfc.kit.fetch_policy import FetchLimits, FetchPolicy

IDLE, BUSY = FetchLimits(1, 100), FetchLimits(65536, 200)


def policy() -> FetchPolicy:
    return FetchPolicy(idle=IDLE, busy=BUSY, busy_rate=100, idle_rate=50, horizon=1.0)


def steady(p: FetchPolicy, per_second: float, seconds: float, start: float = 0.0, batch: int = 1) -> list:
    """Batches of `batch` records at `per_second` records/s; the limits chosen after each."""
    step, n = batch / per_second, int(seconds * per_second / batch)
    return [p.received(batch, start + i * step) for i in range(n)]


def test_a_consumer_at_rest_asks_for_one_byte_and_waits_little():
    p = policy()
    assert p.limits == IDLE
    assert p.received(1, 0.0) == IDLE


def test_light_steady_load_never_waits_for_bytes():
    assert set(steady(policy(), per_second=20, seconds=30)) == {IDLE}


def test_a_stray_batch_at_light_load_does_not_make_the_next_ones_wait():
    p = policy()
    steady(p, per_second=20, seconds=5)
    assert p.received(40, 5.0) == IDLE  # a stall let 40 records pile up: still 60/s, not busy


def test_a_burst_waits_for_bytes_from_its_first_batch():
    p = policy()
    assert p.received(500, 0.0) == BUSY


def test_heavy_steady_load_keeps_waiting_for_bytes():
    p = policy()
    assert set(steady(p, per_second=500, seconds=10, batch=100)) == {BUSY}


def test_between_the_two_rates_the_mode_stays_as_it_is():
    came_down, went_up = policy(), policy()
    came_down.received(500, 0.0)
    assert set(steady(came_down, per_second=75, seconds=10, start=0.01)) == {BUSY}
    assert set(steady(went_up, per_second=75, seconds=10)) == {IDLE}


def test_once_the_load_stops_empty_polls_bring_it_back_to_idle():
    p = policy()
    p.received(500, 0.0)
    assert p.received(0, 0.5) == BUSY  # 500 * e^-0.5 = 303/s: the burst may go on
    assert p.received(0, 2.5) == IDLE  # 500 * e^-2.5 = 41/s: it is over


def test_turned_off_every_fetch_waits_as_configured():
    s = SimpleNamespace(kafka_fetch_min_bytes=65536, kafka_fetch_max_wait_ms=200, kafka_fetch_adaptive=False,
                        kafka_fetch_idle_wait_ms=100)
    p = fetching.policy(s)
    assert p.limits == BUSY and p.received(1, 0.0) == BUSY


def test_on_the_idle_wait_and_the_busy_limits_come_from_the_settings():
    s = SimpleNamespace(kafka_fetch_min_bytes=32768, kafka_fetch_max_wait_ms=250, kafka_fetch_adaptive=True,
                        kafka_fetch_idle_wait_ms=80)
    p = fetching.policy(s)
    assert p.limits == FetchLimits(1, 80)
    assert p.received(500, 0.0) == FetchLimits(32768, 250)
