"""CPPP (the Positive co-Parenting Programme, contract v1.1): its own rules, pure, no I/O.

Not PTfC's stages: both parents volunteer, the programme starts once both have consented, and each
parent completes it by attending the configured number of sessions (some of them joint) within the
configured weeks of their own day 0. The numbers are programme settings (services/programme.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from contracts.referral import CpppRecord, CpppSessionAttended
from ptfc.kit.calendar import day_n, long_date, start_of


@dataclass(frozen=True)
class Rule:
    sessions: int = 4
    joint: int = 1
    weeks: int = 12

    @staticmethod
    def of(settings) -> Rule:
        """From the programme's numbers (services.programme.Programme)."""
        return Rule(settings.cppp_sessions_required, settings.cppp_joint_sessions_required,
                    settings.cppp_window_weeks)


@dataclass(frozen=True)
class Session:
    session_id: str
    held_on: date
    joint: bool


def window_ends_on(day0: date, rule: Rule) -> date:
    """The window's last day: day 0 + the configured weeks."""
    return day_n(day0, rule.weeks * 7)


def lapse_due(day0: date, rule: Rule) -> datetime:
    """The window's last day counts in full: the lapse is checked at the first moment of the next
    UK day. From day 0 (the referral event's own time), so a replay lands on the same instant."""
    return start_of(day_n(window_ends_on(day0, rule), 1))


def started(parents: dict[str, frozenset[str]]) -> bool:
    """`parents`: each consenting (accepted, active) CPPP parent of a case -> the co-parents their
    referral names. Both parents have consented once two have, and everyone any of them named has:
    a referral may name no co-parent, so the other parent's own referral completes the pair."""
    named = frozenset().union(*parents.values()) if parents else frozenset()
    return len(parents) >= 2 and named <= parents.keys()


def session_refusal(session_case: str, subject: str, attended: list[str], joint: bool,
                    case_parents: set[str], active: set[str], has_started: bool,
                    held_on: date | None = None, recorded_on: date | None = None) -> str | None:
    """Why a recorded session cannot be kept, or None. `case_parents`: everyone with an accepted
    CPPP referral in the case (a parent who already completed may still sit in a joint session);
    `active`: those still in the programme. Reasons name fields, never values."""
    if session_case != subject:
        return "case_number is not the event's subject"
    if not active:
        return "no active CPPP referral for this case_number"
    if not attended:
        return "attended_person_ids is empty"
    if not set(attended) <= case_parents:
        return "attended_person_ids names a person with no CPPP referral in this case"
    if not has_started:
        return "the case's CPPP has not started: both parents must consent first"
    if joint and len(set(attended)) < 2:
        return "joint is true but attended_person_ids names fewer than two parents"
    if held_on is not None and recorded_on is not None and held_on > recorded_on:
        # A session is reported once held: one dated ahead (a booking sent as attendance, a
        # typo) would complete a parent now, and the court would read of sessions not yet held.
        return "held_on is after the day the session was recorded"
    return None


def counted(sessions: list[Session], day0: date, rule: Rule) -> list[Session]:
    """The sessions held within the window, earliest first (a session outside it does not count)."""
    end = window_ends_on(day0, rule)
    return sorted((s for s in sessions if day0 <= s.held_on <= end), key=lambda s: (s.held_on, s.session_id))


def shortfall(sessions: list[Session], day0: date, rule: Rule, has_started: bool) -> list[str]:
    """Why the parent has not (yet) completed; empty: complete."""
    within = counted(sessions, day0, rule)
    reasons = [] if has_started else ["not_started"]
    if len(within) < rule.sessions:
        reasons.append("too_few_sessions")
    if sum(s.joint for s in within) < rule.joint:
        reasons.append("no_joint_session")
    return reasons


def record(sessions: list[Session], day0: date, rule: Rule, has_started: bool) -> CpppRecord:
    """What the parent did, as reported to Cafcass (and, in words, to the court)."""
    within = counted(sessions, day0, rule)
    return CpppRecord(
        sessions_attended=len(within), joint_sessions=sum(s.joint for s in within),
        sessions=[CpppSessionAttended(session_id=s.session_id, held_on=s.held_on, joint=s.joint) for s in within],
        window_ends_on=window_ends_on(day0, rule), started=has_started,
        shortfall=shortfall(sessions, day0, rule, has_started))


def report_context(rec: CpppRecord, rule: Rule) -> dict:
    """An outcome email's words about one parent: their own sessions only, dates as letters write them."""
    return {"sessions_attended": rec.sessions_attended, "joint_sessions": rec.joint_sessions,
            "sessions": [f"{long_date(s.held_on)}{' (joint session)' if s.joint else ''}" for s in rec.sessions],
            "sessions_required": rule.sessions, "joint_required": rule.joint, "weeks": rule.weeks,
            "window_ends_on": long_date(rec.window_ends_on), "started": rec.started,
            "shortfall": list(rec.shortfall)}


def parent_context(day0: date, rule: Rule) -> dict:
    """What a parent is told when the programme starts."""
    return {"sessions_required": rule.sessions, "joint_required": rule.joint, "weeks": rule.weeks,
            "window_ends_on": long_date(window_ends_on(day0, rule))}


def recipients(referral_id: str, proceedings: str, has_court_email: bool) -> list[str]:
    """Who receives a parent's CPPP report: the Guardian (Rule 16.4) or the FCA (Section 7), and the
    court where its address was given."""
    first = f"guardian:{referral_id}" if proceedings == "rule_16_4" else f"fca:{referral_id}"
    return [first] + ([f"court:{referral_id}"] if has_court_email else [])
