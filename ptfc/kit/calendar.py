"""The programme's calendar: one home for England's time zone, day 0 and how dates are written.

Pure (no I/O). Every programme clock counts in UK calendar days from day 0, the UK date of the
referral's own `time` (contract v1.1), so a back-dated replay lands on the same days as live traffic.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_date(at: datetime) -> date:
    """The calendar date in England at this instant (BST or GMT as it was then)."""
    return at.astimezone(UK).date()


def day_n(day0: date, n: int) -> date:
    """Day N is N calendar days after day 0."""
    return day0 + timedelta(days=n)


def start_of(day: date, hour: int = 0) -> datetime:
    """`hour` o'clock on a UK calendar day, as an aware instant."""
    return datetime.combine(day, time(hour), UK)


def months_after(day: date, months: int) -> date:
    """The same day of the month `months` later (the month's last day where it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def long_date(day: date) -> str:
    """'2 November 2026': the one way letters, emails and certificates write a date."""
    return f"{day.day} {day:%B %Y}"


def long_day(day: date) -> str:
    """'Monday 2 November 2026': a date a parent must turn up on."""
    return f"{day:%A} {long_date(day)}"
