"""Bounded values for partner input: what a field may hold, stated once and shown in the schemas.

Every partner-written text, date and address goes through one of these, so a value that cannot
be stored, printed or put in an email header is refused at the door (a dead letter naming the
field), never deep inside a service. Control characters (C0, DEL, C1) are never allowed in a
one-line value (a name, an id: CR/LF there would be header injection in an email); free text
may carry tabs and line breaks. Lone surrogates never pass (pydantic refuses them for `str`), so
every accepted string encodes as UTF-8 for PostgreSQL. Dates are bounded to years a programme
can be in: 9999-12-31 is well-formed but overflows the first deadline computed from it.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Annotated, Any, Union

from pydantic import AwareDatetime, BeforeValidator, Field, StrictBool, StrictInt, StringConstraints

LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
# RFC 3986 URI-reference characters only (CloudEvents `source`): no spaces, quotes or controls.
URI_REFERENCE = r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$"
# One address, nothing else: no display name, no list, no spaces (the services check it fully).
EMAIL = r"^[^\s@,;:<>()\[\]\\\"\x00-\x1f\x7f-\x9f]+@[^\s@,;:<>()\[\]\\\"\x00-\x1f\x7f-\x9f]+$"
HTTP_URL = r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$"

EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)

Id = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=LINE)]
OptionalId = Annotated[str, StringConstraints(max_length=100, pattern=LINE)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=LINE)]
Line500 = Annotated[str, StringConstraints(max_length=500, pattern=LINE)]
Text500 = Annotated[str, StringConstraints(max_length=500, pattern=TEXT)]
Text2000 = Annotated[str, StringConstraints(max_length=2000, pattern=TEXT)]
Text10k = Annotated[str, StringConstraints(max_length=10_000, pattern=TEXT)]
Email = Annotated[str, StringConstraints(min_length=3, max_length=320, pattern=EMAIL)]
HttpUrl = Annotated[str, StringConstraints(max_length=2000, pattern=HTTP_URL)]


def _written_as(pattern: str, what: str, parse: Any) -> BeforeValidator:
    """pydantic reads a numeric string ("1700000000") as a Unix time even in strict mode; the
    contract's dates and times are ISO 8601 text. So the text is checked and parsed here (a
    before-validator's result reaches strict validation as a Python value, not as JSON text)."""
    shape = re.compile(pattern)

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # built in code, or a JSON number strict validation refuses
        if not shape.match(value):
            raise ValueError(f"must be written as {what}")
        try:
            return parse(value)
        except ValueError:
            raise ValueError(f"must be a real {what}") from None
    return BeforeValidator(check)


Day = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY),
                _written_as(r"^\d{4}-\d{2}-\d{2}$", "date YYYY-MM-DD", date.fromisoformat)]
Moment = Annotated[AwareDatetime, Field(ge=EARLIEST, lt=LATEST),
                   _written_as(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", "ISO 8601 date-time", datetime.fromisoformat)]

# Survey answers are the Parent Hub's own questions, so their keys are open; their size is not.
AnswerKey = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]
Scalar = Union[StrictBool, StrictInt, float, Text2000, None]
Answer = Union[Scalar, Annotated[list[Scalar], Field(max_length=50)]]
Answers = Annotated[dict[AnswerKey, Answer], Field(max_length=100)]
