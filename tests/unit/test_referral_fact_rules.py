"""The referral service's rules once hidden in SQL: which referral a fact counts for, which value of
a repeated fact stands, and which case an operator's erasure names. One rule per test."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from services.referral.domain import progress
from services.referral.records import Referral

T0 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)


def referral(rid: str, programme: str = "ptfc", status: str = "active", after_hours: int = 0,
             case: str | None = None) -> Referral:
    return Referral(referral_id=rid, case_number=case or f"C-{rid}", person_id="P1", programme=programme,
                    lot=None if status == "rejected" else "lot-north", status=status,
                    received_at=T0 + timedelta(hours=after_hours),
                    referred_on=None if status == "rejected" else date(2026, 11, 2), has_court_email=False)


def test_the_first_stage_date_reported_stands():
    first, later = date(2026, 11, 10), date(2026, 11, 20)
    assert progress.first_value_wins(None, first) == first
    assert progress.first_value_wins(first, later) == first
    assert progress.first_value_wins(later, first) == later  # first reported, not earliest


def test_a_ptfc_fact_never_counts_for_a_cppp_referral():
    """A parent on both programmes: the CPPP referral, though received later, is not PTfC's stage."""
    ptfc, cppp = referral("R1"), referral("R2", programme="cppp", after_hours=5)
    assert progress.referral_a_fact_counts_for([cppp, ptfc], "ptfc") == ptfc
    assert progress.referral_a_fact_counts_for([cppp], "ptfc") is None


def test_a_fact_counts_only_for_an_active_referral():
    closed = [referral("R1", status=s) for s in ("withdrawn", "completed", "not_completed", "rejected")]
    assert progress.referral_a_fact_counts_for(closed, "ptfc") is None
    assert progress.referral_a_fact_counts_for([], "ptfc") is None


def test_of_two_active_referrals_the_latest_received_counts():
    """The one-active index rules this out; should it ever happen, the newest referral is the one."""
    old, new = referral("R9"), referral("R1", after_hours=1)
    assert progress.referral_a_fact_counts_for([new, old], "ptfc") == new
    tie = replace(old, received_at=new.received_at)
    assert progress.referral_a_fact_counts_for([tie, new], "ptfc") == tie  # a tie: the larger id, always


def test_an_erasure_names_the_active_referrals_case_not_a_later_rejected_ones():
    """A duplicate refused as `already_active` is received later; the parent's data travelled under
    the active referral's case, so the erasure must go on that key (the bug this rule fixed)."""
    active, rejected = referral("R1", case="A"), referral("R2", status="rejected", after_hours=2, case="B")
    assert progress.case_an_erasure_names([active, rejected]) == "A"


def test_an_erasure_names_any_programmes_case_the_active_first_then_the_latest_accepted():
    """Erasure covers every programme, so a CPPP referral's case is as good as a PTfC one's."""
    ptfc_done = referral("R1", status="completed", case="A")
    cppp_active = referral("R2", programme="cppp", after_hours=1, case="B")
    later_withdrawn = referral("R3", status="withdrawn", after_hours=2, case="C")
    assert progress.case_an_erasure_names([ptfc_done, cppp_active, later_withdrawn]) == "B"
    assert progress.case_an_erasure_names([ptfc_done, later_withdrawn]) == "C"


def test_an_erasure_of_a_person_only_ever_rejected_names_their_latest_case_and_of_nobody_none():
    rejected = [referral("R1", status="rejected", case="A"), referral("R2", status="rejected", after_hours=1, case="B")]
    assert progress.case_an_erasure_names(rejected) == "B"
    assert progress.case_an_erasure_names([]) is None
