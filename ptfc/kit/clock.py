"""The clock that fires timers. Programme rules use the events' own `time`; only timers read this."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FileClock:
    """Reads an ISO time from a file at every call: tests and replays move time by writing it."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def now(self) -> datetime:
        try:
            return datetime.fromisoformat(self.path.read_text().strip())
        except (OSError, ValueError):
            return datetime.now(timezone.utc)


class ManualClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


def from_setting(value: str) -> SystemClock | FileClock:
    if value.startswith("file:"):
        return FileClock(value[5:])
    return SystemClock()
