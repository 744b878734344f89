"""Which lot a parent belongs to, as one lot's workshops instance sees it. Pure: no I/O.

Every instance reads every lot's acceptances. It keeps its own lot's parents in full, and of the
other lots only that a person was accepted there and when (person_id -> lot, no personal data),
so it can refuse a booking for another lot's parent at once instead of waiting for a fact that
will never come. The newest acceptance wins: a parent withdrawn here and re-referred to another
lot belongs to that lot, and one re-referred back here belongs here again. "Newest" is the
acceptances' own event time, so the answer does not depend on which topic or partition was read
first (a re-referral may be on another case, so on another partition)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

HERE, OTHER_LOT, UNKNOWN = "here", "other_lot", "unknown"


@dataclass(frozen=True)
class Acceptance:
    lot: str
    at: datetime


def newest(kept: Acceptance | None, new: Acceptance) -> Acceptance:
    """The acceptance that stands. A tie keeps the one already kept (ties between lots only
    arise in made-up data; either way the person is another lot's)."""
    return new if kept is None or new.at > kept.at else kept


def newest_by_person(acceptances: list[tuple[str, Acceptance]]) -> dict[str, Acceptance]:
    """A run of (person_id, acceptance), in any order, folded to each person's newest."""
    out: dict[str, Acceptance] = {}
    for person_id, acceptance in acceptances:
        out[person_id] = newest(out.get(person_id), acceptance)
    return out


def owner(lot: str, here_at: datetime | None, elsewhere: Acceptance | None) -> str:
    """Whose parent a booking request sent to `lot` is about.

    `here_at`: when this lot accepted the person (None: never); `elsewhere`: the newest
    acceptance by another lot. HERE: decide the booking (a withdrawn referral is handled there);
    OTHER_LOT: refuse at once; UNKNOWN: no lot has accepted them yet, so the acceptance may still
    be on its way (park the request). A later withdrawal in the other lot does not make the
    person ours: the refusal still stands."""
    if elsewhere is not None and elsewhere.lot != lot and (here_at is None or elsewhere.at > here_at):
        return OTHER_LOT
    return UNKNOWN if here_at is None else HERE
