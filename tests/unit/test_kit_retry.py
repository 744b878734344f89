"""The kit's polling loop (timers, parking): an error nobody foresaw is logged and retried, and
never ends the loop (a dead timer loop once left a ready service whose day-42 checks never fired)."""
from __future__ import annotations

import asyncio

from ptfc.kit import retry


class Log:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict]] = []

    def warning(self, event: str, **kw) -> None:
        self.lines.append((event, kw))

    error = warning


async def test_an_unforeseen_error_is_logged_and_the_loop_goes_on(monkeypatch):
    monkeypatch.setattr(retry, "backoff", lambda *a: 0)
    calls, log = [], Log()

    async def step() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("a bug in a handler")
        return len(calls) < 5  # work found four times, then idle

    task = asyncio.create_task(retry.poll(step, 0.01, "timers", log))
    for _ in range(200):
        if len(calls) >= 6:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    assert len(calls) >= 6  # the loop outlived the error
    assert log.lines[0][0] == "timers.failed" and log.lines[0][1]["error"] == "ValueError"


async def test_the_relay_outlives_an_error_nobody_foresaw(monkeypatch):
    """The relay runs on this loop too: an unforeseen error (an asyncpg InternalClientError, say)
    once could end it silently, a ready service then never sending its outbox again."""
    from ptfc.kit import outbox
    monkeypatch.setattr(retry, "backoff", lambda *a: 0)
    log, leads = Log(), []
    monkeypatch.setattr(outbox, "log", log)

    class Relay(outbox.Relay):
        async def _lead(self) -> None:
            leads.append(1)
            if len(leads) == 1:
                raise RuntimeError("not a transient failure")
            await asyncio.sleep(3600)  # leading again, as after a recovery

    task = asyncio.create_task(Relay(None, "", None, 10, None).run())
    for _ in range(200):
        if len(leads) >= 2:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    assert len(leads) == 2 and [e for e, _ in log.lines] == ["relay.failed"]
