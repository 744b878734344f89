"""How long a consumer's next fetch may wait on the broker, from the records it has just had.

Pure (no I/O, time is passed in): `fetching.py` applies the result to the Kafka client.

Why: a fetch that waits for bytes gives steady load batches big enough for set-based handlers
(fewer transactions, commits and round trips per event: a batch of one costs the chain about as
much CPU as a batch of twenty), but at light load every hop then waits out the whole wait. Tansu
answers a waiting fetch only when it re-checks (after half the wait, then half of what is left...),
not when a message arrives. So while records come slowly, a fetch asks for one byte and waits
little, and a message at rest is handled at once; once they come fast, fetches wait for the
configured bytes, and batches grow with the load. The rate is measured over about a second, so a
stray batch at light load does not make the next messages wait.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class FetchLimits:
    min_bytes: int
    max_wait_ms: int


@dataclass
class FetchPolicy:
    """Two modes with hysteresis, switched on the rate of records received (records/s).

    The rate is an exponentially weighted count over `horizon` seconds: it follows a steady rate,
    jumps with a burst's first batch, and decays while nothing comes (an empty poll counts too).
    """
    idle: FetchLimits
    busy: FetchLimits
    busy_rate: float = 100.0  # at or above: fetches wait for `busy`
    idle_rate: float = 50.0  # below: back to `idle`; between the two the mode stays as it is
    horizon: float = 1.0
    rate: float = 0.0
    at: float | None = None
    busy_now: bool = False

    @property
    def limits(self) -> FetchLimits:
        return self.busy if self.busy_now else self.idle

    def received(self, records: int, now: float) -> FetchLimits:
        """The limits for the next fetch, given `records` just received (0: a poll found none)."""
        if self.at is not None:
            self.rate *= math.exp(-max(0.0, now - self.at) / self.horizon)
        self.rate, self.at = self.rate + records / self.horizon, now
        if self.rate >= self.busy_rate:
            self.busy_now = True
        elif self.rate < self.idle_rate:
            self.busy_now = False
        return self.limits
