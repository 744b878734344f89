"""The accepted-parent gate: its three outcomes, and the exact reasons partners read."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from ptfc.kit import parents
from ptfc.kit.deadletter import DeadLetter, NotYet

ACTIVE = SimpleNamespace(active=True)
WITHDRAWN = SimpleNamespace(active=False)


def is_active(row) -> bool:
    return row.active


def test_no_record_waits_for_the_acceptance() -> None:
    with pytest.raises(NotYet) as caught:
        parents.accepted(None, is_active)
    assert caught.value.reason == "no accepted referral for this person_id"


def test_no_record_names_the_lot_when_given() -> None:
    with pytest.raises(NotYet) as caught:
        parents.accepted(None, None, "lot-1")
    assert caught.value.reason == "no accepted referral for this person_id in lot-1"


def test_withdrawn_is_a_dead_letter() -> None:
    with pytest.raises(DeadLetter) as caught:
        parents.accepted(WITHDRAWN, is_active, "lot-1")
    assert caught.value.reason == "the referral for this person_id was withdrawn"


def test_active_record_passes_through() -> None:
    assert parents.accepted(ACTIVE, is_active) is ACTIVE


def test_no_withdrawal_check_lets_a_withdrawn_record_through() -> None:
    assert parents.accepted(WITHDRAWN, None, "lot-1") is WITHDRAWN
