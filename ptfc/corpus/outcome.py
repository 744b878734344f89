"""What a corpus run is given, what it sent and what came back. Pure: no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class Config:
    bootstrap: str
    database_url: str
    namespace: str = ""
    lots: list[str] = field(default_factory=list)
    n: int = 2000
    seed: int = 14
    timeout: float = 300.0
    # A lot's workshops database, where its sessions are looked for (default: the service's own name).
    workshops_db: Callable[[str], str] | None = None


@dataclass
class Sent:
    topic: str
    type: str
    kind: str
    field: str
    expect: str
    reason: str | None
    referral_id: str | None
    partition: int = -1
    offset: int = -1
    refused_by_broker: str | None = None


@dataclass
class Outcome:
    sent: list[Sent]
    skipped: dict
    effects: set                 # what good traffic must have done
    ignored: list[str]           # referral ids of well-formed conflicting repeats: must do nothing
    watch: Any                   # watch.Watch: the dead letters and facts read back
    run: str = ""
    sessions: set = field(default_factory=set)  # ("session", lot, id) found in the lots' databases
    behind: dict = field(default_factory=dict)
    seconds: float = 0.0
    good_messages: int = 0
    bytes_sent: int = 0          # of hostile messages
    rss_before: dict = field(default_factory=dict)
    rss_after: dict = field(default_factory=dict)
    health: dict = field(default_factory=dict)
