"""A parent's course, from invitation link to certificate: reminders, e-learning completion and the
certificate's timing and number. Pure decisions, no I/O."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

from contracts.learning import MODULES
from ptfc.kit.calendar import UK, day_n, long_date, start_of, uk_date
from services.learning.records import Parent


@dataclass(frozen=True)
class Invitation:
    token: str
    token_hash: bytes
    sent_at: datetime
    expires_at: datetime


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def invitation(token: str, sent_at: datetime, ttl_hours: int) -> Invitation:
    """The link expires `ttl_hours` after it is sent (programme time, so replays agree)."""
    return Invitation(token, token_hash(token), sent_at, sent_at + timedelta(hours=ttl_hours))


def activation_link(parent_hub_url: str, token: str) -> str:
    return f"{parent_hub_url.rstrip('/')}/activate?token={quote(token)}"


def invitation_state(used_at: datetime | None, expires_at: datetime, now: datetime) -> str:
    """'valid', 'used' or 'expired': what the Parent Hub gets when it checks a link."""
    if used_at is not None:
        return "used"
    if now >= expires_at:
        return "expired"
    return "valid"


def first_value_wins(activated_at: datetime | None, at: datetime) -> datetime:
    """A parent's account was activated when first activated: a repeat (another device, a
    redelivery) does not move it, so a reminder due before it still knows the link was unused."""
    return activated_at if activated_at is not None else at


# --- The programme clock ------------------------------------------------------------------------
# Day N counts from day 0, the day the referral was made (contract v1.1); dates that matter to a
# parent are dates in England. The calendar itself lives once, in ptfc.kit.calendar.
ENGLAND = UK
local_date = uk_date
REMINDER_HOUR = 9  # a reminder goes out at 09:00 on its programme day, not at midnight


def expiry_text(at: datetime) -> str:
    """When a link stops working, as a parent in England reads it: '5 November 2026 at 14:30'."""
    local = at.astimezone(ENGLAND)
    return f"{long_date(local.date())} at {local:%H:%M}"


def reminders_ahead(day0: date, days: tuple[int, ...], accepted_at: datetime) -> list[tuple[int, datetime]]:
    """(day, due_at) of the reminders still ahead when the referral is accepted.

    A referral accepted late (say on day 20) gets no burst of stale reminders on top of its
    invitation: a reminder already past at acceptance is not scheduled.
    """
    out = []
    for day in days:
        due = start_of(day_n(day0, day), REMINDER_HOUR)
        if due > accepted_at:
            out.append((day, due))
    return out


# --- E-learning -----------------------------------------------------------------------------------

def elearning_complete(done: set[str]) -> bool:
    """Complete when `welcome` and m1..m8 are all done, in any order (repeats change nothing)."""
    return set(MODULES) <= done


def elearning_due_on(day0: date, target_days: int) -> date:
    """The e-learning target: `target_days` after day 0 (the day the referral was made)."""
    return day_n(day0, target_days)


def within_target(day0: date, completed_at: datetime, target_days: int) -> bool:
    return uk_date(completed_at) <= day_n(day0, target_days)


# --- Certificates ---------------------------------------------------------------------------------
CERTIFICATE_LATEST_HOURS = 48  # the contract's bound: whatever an operator sets, never later
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: read aloud and typed without doubt
NUMBER_RE = re.compile(r"PTFC(-[0-9A-HJKMNP-TV-Z]{4}){4}")


def both_stages_done(elearning_completed_at: datetime | None, attended_on: date | None) -> bool:
    """The certificate's condition: the e-learning complete and a workshop attended."""
    return elearning_completed_at is not None and attended_on is not None


def _after(moment: datetime | None, due: datetime | None) -> bool:
    """A fact from after the due time: a timer that fires late (a replay held it) ignores it."""
    return moment is not None and due is not None and moment > due


def current_at(referral_id: str, parent: Parent | None, due: datetime | None = None) -> bool:
    """Whether `referral_id` was the parent's referral, and not withdrawn, at `due` (a timer's due
    time; None: now). A re-referral or withdrawal from after it changes nothing for that timer."""
    if parent is None:
        return False
    if parent.referral_id != referral_id:
        return _after(parent.accepted_at, due)  # replaced only later: it was theirs then
    return parent.status == "active" or _after(parent.withdrawn_at, due)


def reminder(referral_id: str, parent: Parent | None, elearning_completed_at: datetime | None,
             due: datetime | None = None) -> str | None:
    """What a day-7 or day-12 reminder for `referral_id` does when it falls due (as of `due`): None
    when the parent withdrew, was re-referred or finished the e-learning; 'with_link' when they
    had not activated their account (a fresh invitation link comes with it); otherwise 'plain'."""
    if not current_at(referral_id, parent, due):
        return None
    if elearning_completed_at is not None and not _after(elearning_completed_at, due):
        return None
    return "with_link" if parent.activated_at is None or _after(parent.activated_at, due) else "plain"


def certificate_due_at(workshop_ended_at: datetime | None, attendance_recorded_at: datetime,
                       elearning_completed_at: datetime, delay_hours: int) -> datetime:
    """24 hours after the workshop ended (its last part; never beyond 48, whatever the setting),
    or at once when the attendance record comes later than that: the certificate never waits on
    a late record beyond the record itself. Never before the e-learning was complete: both stages
    done is the load-bearing condition, the delay only follows it. Facts from before the end was
    published count from the record."""
    delay = timedelta(hours=min(delay_hours, CERTIFICATE_LATEST_HOURS))
    ended = workshop_ended_at or attendance_recorded_at
    return max(ended + delay, attendance_recorded_at, elearning_completed_at)


def certificate_number(bits: int) -> str:
    """80 random bits as PTFC-XXXX-XXXX-XXXX-XXXX: unguessable, and short enough to read out."""
    chars = "".join(CROCKFORD[(bits >> (5 * i)) & 31] for i in range(16))
    return "PTFC-" + "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def new_certificate_number() -> str:
    return certificate_number(secrets.randbits(80))


def normalised_number(text: str) -> str | None:
    """A caller's spelling of a number (case, spaces) -> the canonical one, or None if malformed."""
    number = text.strip().upper().replace(" ", "")
    return number if NUMBER_RE.fullmatch(number) else None
