"""Email address checks shared by every service that accepts or sends to an address."""
from __future__ import annotations

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadAddress(ValueError):
    pass


@lru_cache(maxsize=256)  # each email checks its address twice (envelope, header); FCA addresses repeat
def normalized(address: str) -> str:
    """The address as it is sent to; BadAddress if invalid or if it carries control characters
    (CR/LF would let an address smuggle in a header)."""
    if CONTROL.search(address):
        raise BadAddress("address contains control characters")
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise BadAddress(str(exc)) from None


def email_ok(address: str | None) -> bool:
    try:
        return bool(address) and bool(normalized(address))
    except BadAddress:
        return False
