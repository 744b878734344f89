"""Which lot a booking request's parent belongs to: the newest acceptance wins, whatever order
the acceptances were read in."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.workshops.domain.belonging import HERE, OTHER_LOT, UNKNOWN, Acceptance, newest, newest_by_person, owner

T1 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
T2, T3 = T1 + timedelta(days=10), T1 + timedelta(days=20)
EAST = Acceptance("lot-east", T2)


@pytest.mark.parametrize("here_at,elsewhere,expected", [
    (None, None, UNKNOWN),          # no lot has accepted them (yet): wait for the acceptance
    (T1, None, HERE),               # ours only
    (None, EAST, OTHER_LOT),        # another lot's only: refuse at once
    (T1, EAST, OTHER_LOT),          # ours, then re-referred to the east (withdrawn here or not)
    (T3, EAST, HERE),               # the east's, then re-referred back to us
    (T2, EAST, HERE),               # the same moment: ours stands
    (None, Acceptance("lot-north", T2), UNKNOWN),  # our own lot is never "another lot"
])
def test_the_newest_acceptance_decides_whose_parent_it_is(here_at, elsewhere, expected):
    assert owner("lot-north", here_at, elsewhere) == expected


def test_a_run_of_acceptances_keeps_each_persons_newest_in_any_order():
    west, east_later = Acceptance("lot-west", T1), Acceptance("lot-east", T3)
    for run in ([("p", west), ("p", east_later), ("q", west)], [("q", west), ("p", east_later), ("p", west)]):
        assert newest_by_person(run) == {"p": east_later, "q": west}
    assert newest(west, Acceptance("lot-east", T1)) == west  # a tie keeps the one already kept
