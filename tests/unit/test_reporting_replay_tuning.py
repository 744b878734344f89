"""Reporting reads in replay-sized batches (a rebuild reads every topic), unless the operator set
CONSUMER_BATCH_SIZE: then theirs wins."""
from __future__ import annotations

import gc
from types import SimpleNamespace

from ptfc.kit.settings import Settings
from services.reporting import app


def tuned(settings: Settings) -> Settings:
    svc = SimpleNamespace(settings=settings)
    before = gc.get_threshold()
    try:
        app._tune_for_replays(svc)
    finally:
        gc.set_threshold(*before)  # the test process keeps its own collector settings
    return svc.settings


def test_batches_are_replay_sized_by_default(monkeypatch):
    monkeypatch.delenv("CONSUMER_BATCH_SIZE", raising=False)
    assert Settings().consumer_batch_size < app.REPLAY_BATCH_SIZE
    assert tuned(Settings()).consumer_batch_size == app.REPLAY_BATCH_SIZE


def test_an_operators_batch_size_wins(monkeypatch):
    monkeypatch.setenv("CONSUMER_BATCH_SIZE", "300")
    assert tuned(Settings()).consumer_batch_size == 300
