"""Programme outcomes reported to the FCA and court: pure decisions, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def non_completion_due(ordered_on: date, deadline_days: int) -> datetime:
    """Day `deadline_days` counts in full: the check runs at the first moment of the next UK day."""
    return datetime.combine(ordered_on + timedelta(days=deadline_days + 1), time(0, 0), UK)


@dataclass(frozen=True)
class Stages:
    elearning_completed_on: date | None
    workshop_attended_on: date | None

    @property
    def complete(self) -> bool:
        return self.elearning_completed_on is not None and self.workshop_attended_on is not None


def report_non_completion(status: str, stages: Stages) -> bool:
    """Only an active referral with a stage still missing is reported; completion wins a tie."""
    return status == "active" and not stages.complete


def recipients(referral_id: str, has_court_email: bool) -> list[str]:
    """Who is told of an outcome: the FCA always, the court where its address was given."""
    return [f"fca:{referral_id}"] + ([f"court:{referral_id}"] if has_court_email else [])


def uk_date(at: datetime) -> date:
    return at.astimezone(UK).date()
