"""When a fact comes again: which value stands. Pure, no I/O.

Handlers read the kept value, decide here, and write only a change; store.py applies the same rule
in SQL where no row lock could make read-decide-write safe on its own (say which at each use).
"""
from __future__ import annotations

from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


def earliest(kept: datetime | None, new: datetime) -> datetime:
    """A parent's e-learning counts from when it was first done, whatever order the completions
    are read in (a re-referral's, on another case, may come on another partition): the earliest."""
    return new if kept is None or new < kept else kept


def first_value_wins(kept: T | None, new: T) -> T:
    """A session's attendance was recorded when first recorded: a second record (a correction,
    a repeat) does not move it, and from then on the session cannot be cancelled."""
    return kept if kept is not None else new
