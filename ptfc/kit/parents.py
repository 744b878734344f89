"""The gate every partner event about a parent passes: is this person's referral accepted here,
and not withdrawn? One home, because partners read these reasons in their dead letters and the
services must word them alike. Pure: the caller looks the record up (and locks it if it must)."""
from __future__ import annotations

from typing import Callable, Optional, TypeVar

from ptfc.kit.deadletter import DeadLetter, NotYet

Row = TypeVar("Row")

NOT_ACCEPTED = "no accepted referral for this person_id"
WITHDRAWN = "the referral for this person_id was withdrawn"


def accepted(row: Optional[Row], active: Optional[Callable[[Row], bool]] = None,
             lot: str | None = None) -> Row:
    """`row`, the parent's record as looked up (None: no acceptance seen yet). No record parks
    the event (NotYet: the acceptance may still be on its way); a record `active` says is not
    active is a dead letter (a withdrawal is final). `active` None: no withdrawal check (events
    that still count after a withdrawal). `lot` names the lot in the message where the service
    is one lot's instance."""
    if row is None:
        raise NotYet(f"{NOT_ACCEPTED} in {lot}" if lot else NOT_ACCEPTED)
    if active is not None and not active(row):
        raise DeadLetter(WITHDRAWN)
    return row
