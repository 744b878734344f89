"""Programme outcomes reported to the FCA and court: pure decisions, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from ptfc.kit.calendar import day_n, months_after, start_of
from services.referral.records import Referral

T = TypeVar("T")


def non_completion_due(day0: date, deadline_days: int) -> datetime:
    """Day `deadline_days` counts in full: the check runs at the first moment of the next UK day."""
    return start_of(day_n(day0, deadline_days + 1))


@dataclass(frozen=True)
class Stages:
    elearning_completed_on: date | None
    workshop_attended_on: date | None

    @property
    def complete(self) -> bool:
        return self.elearning_completed_on is not None and self.workshop_attended_on is not None


def first_value_wins(current: T | None, new: T) -> T:
    """A stage's date (e-learning completed, workshop attended) and a concern's time are the first
    reported: a second workshop attended, or a repeat of the fact, does not move what the FCA and
    court are told."""
    return current if current is not None else new


def referral_a_fact_counts_for(candidates: list[Referral], programme: str = "ptfc") -> Referral | None:
    """The referral a learning or workshop fact about a parent is a stage of: their active referral
    of that programme (PTfC's stages are never a CPPP referral's: a parent may be on both at once),
    never a closed one; the latest received should there ever be two (the one-active index says
    there cannot be)."""
    live = [r for r in candidates if r.status == "active" and r.programme == programme]
    return max(live, key=lambda r: (r.received_at, r.referral_id), default=None)


def case_an_erasure_names(referrals: list[Referral]) -> str | None:
    """The case an operator's erasure request is sent under (its subject and Kafka key); None if
    the person was never referred. Any programme's: the person is erased from every one. But an
    accepted referral's, the active one first, never a rejected one received later (say a
    duplicate refused as `already_active`): the person's data travelled keyed by the accepted
    referral's case, and only on that key does the erasure reach each service after it (one
    partition keeps order) and wait, here, behind that case's due timers (programme order)."""
    ranked = max(referrals, default=None, key=lambda r: (r.status == "active", r.status != "rejected",
                                                          r.received_at, r.referral_id))
    return ranked.case_number if ranked else None


def report_non_completion(status: str, stages: Stages, programme: str = "ptfc") -> bool:
    """Only an active PTfC referral with a stage still missing is reported; completion wins a tie.
    A CPPP referral has no such stages: its lapse is CPPP's own (cppp.py), never this day-42 report
    (a CPPP referral accepted before CPPP was its own track still has this timer)."""
    return programme == "ptfc" and status == "active" and not stages.complete


def recipients(referral_id: str, has_court_email: bool) -> list[str]:
    """Who is told of an outcome: the FCA always, the court where its address was given."""
    return [f"fca:{referral_id}"] + ([f"court:{referral_id}"] if has_court_email else [])


def erasure_due(closed_on: date, retention_months: int) -> datetime | None:
    """When a closed referral's parent's personal data goes: the first moment of the same UK day
    `retention_months` later; None when the operator keeps it (0)."""
    return start_of(months_after(closed_on, retention_months)) if retention_months > 0 else None


def erase_on_retention(has_active_referral: bool, last_closed_at: datetime | None, closed_at: datetime) -> bool:
    """Only the parent's last referral's retention erases: one referred again since is in the
    programme, or left it later, and their data stays until that referral's own retention ends."""
    return not has_active_referral and (last_closed_at is None or last_closed_at <= closed_at)
