"""The programme's numbers: targets, clocks and CPPP's rule, shared by the services that apply them.

Not plumbing (that is `ptfc/kit/settings.py`): these are the partner contract's rules, which an
operator may change by environment variable (the names the README documents). One `Programme` for
every service, so a rule two services apply (the e-learning target: referral's due dates, learning's
`within_target`) has one value. Frozen, and checked when a service is built: a bad number stops it
at start rather than mis-dating a court report weeks later.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Same reading as the kit's Settings (any case, no prefix, other variables ignored), but frozen:
# a service's rules do not change while it runs.
FROM_ENVIRONMENT = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False, frozen=True)


class FromEnvironment(BaseSettings):
    """Base of every service's own settings (services/<name>/settings.py)."""

    model_config = FROM_ENVIRONMENT


# Upper bounds: a number past them is a typo, and one out of the calendar's range would fail each
# referral's date arithmetic (an OverflowError per batch) instead of stopping the service at start.
Days = Annotated[int, Field(ge=1, le=730)]
Hours = Annotated[int, Field(ge=0, le=24 * 60)]
Lead = Annotated[int, Field(ge=0, le=60)]  # days before something is due


class Programme(FromEnvironment):
    """Defaults from the partner contract. Days count from day 0 in UK calendar days. A target or a
    window is at least 1; a delay, a lead time or a count that may be none is at least 0."""

    elearning_target_days: Days = 14
    workshop_target_days: Days = 35
    completion_deadline_days: Days = 42  # the day the FCA and court hear of a parent not done
    # REMINDER_DAYS="7,12": the programme days an unfinished e-learning is reminded on. Parsed here
    # only (NoDecode: the text is a list of numbers, not JSON), into sorted distinct days.
    reminder_days: Annotated[tuple[Days, ...], NoDecode] = (7, 12)
    invitation_ttl_hours: Annotated[int, Field(ge=1, le=24 * 60)] = 72
    certificate_delay_hours: Hours = 24  # after both stages; 0: at once
    follow_up_due_days: Days = 42  # after the workshop ends
    elearning_reminder_hours: Hours = 48  # before a session, to a booked parent with e-learning left
    follow_up_reminder_days: Lead = 7  # before a follow-up call is due, to the trainer
    # CPPP (contract v1.1): each parent attends this many sessions, this many of them joint,
    # within this many weeks of day 0.
    cppp_sessions_required: Annotated[int, Field(ge=1, le=100)] = 4
    cppp_joint_sessions_required: Annotated[int, Field(ge=0, le=100)] = 1
    cppp_window_weeks: Annotated[int, Field(ge=1, le=104)] = 12
    # A closed referral's parent's personal data is erased this many months after it closed
    # (unless they were referred again meanwhile); 0 turns the timer off.
    personal_data_retention_months: Annotated[int, Field(ge=0, le=1200)] = 24

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        # Each part is then checked as a positive whole number, with the field's own message.
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("reminder_days")
    @classmethod
    def _in_order(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(set(days)))  # "12,7,7" is the same rule as "7,12"

    @model_validator(mode="after")
    def _joint_within_sessions(self) -> Programme:
        if self.cppp_joint_sessions_required > self.cppp_sessions_required:
            raise ValueError("CPPP_JOINT_SESSIONS_REQUIRED cannot exceed CPPP_SESSIONS_REQUIRED")
        return self


def takes_the_course(programme: str) -> bool:
    """PTfC's parents take the e-learning and a workshop; CPPP's do neither (its sessions are
    Cafcass's, recorded on the referral). One rule for learning and workshops alike."""
    return programme != "cppp"


class ParentHub(FromEnvironment):
    """The Parent Hub's public address, in learning's and workshops' emails to parents."""

    parent_hub_url: str = "http://127.0.0.1:8080/parent-hub"
