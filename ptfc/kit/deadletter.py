"""Dead letters: the original bytes, copied unchanged to `ptfc.deadletter`, reason in headers.

From a sensitive internal topic (contracts.topics.SENSITIVE: contact details, certificate names)
the bytes are withheld: kept in the service's own `dead_letters` table, and the published dead
letter carries the reason and origin only, since partners read `ptfc.deadletter`."""
from __future__ import annotations

import re
from typing import Any

import asyncpg
from pydantic import ValidationError

from ptfc.kit.logging import scrub_text
from ptfc.kit.outbox import insert_row

MAX_REASON = 1000


class DeadLetter(Exception):
    """A handler refuses an event for good (e.g. no accepted referral for this person)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotYet(DeadLetter):
    """The fact this event needs may still be on its way (it comes on another topic, so Kafka
    gives no order between them). The kit parks the event and tries again; if the fact never
    comes within PARK_MAX_SECONDS, the event is dead-lettered with this reason."""


PATTERN_MSG = "characters or a form not allowed here (see the field's pattern in the JSON Schema)"
FIELD = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")


def _path(loc: tuple) -> str:
    """A field path a reader can act on. A dict key is the sender's own text (a survey answer's
    name, say), so anything that is not a plain field name or index is shown as `*`."""
    parts = [str(p) if isinstance(p, int) or FIELD.match(str(p)) else "*" for p in loc]
    return ".".join(parts) or "(root)"


def describe_validation(exc: ValidationError) -> str:
    """Field paths and messages only: the offending input values may be personal data (pydantic's
    messages name what was expected, never what was given)."""
    parts, seen = [], set()
    for e in exc.errors(include_url=False, include_input=False, include_context=False):
        msg = PATTERN_MSG if e["type"] == "string_pattern_mismatch" else e["msg"][:160]
        part = f"{_path(e['loc'])}: {msg}"
        if part not in seen:
            seen.add(part)
            parts.append(part)
    return "; ".join(parts)[:MAX_REASON]


def error_detail(exc: BaseException, limit: int = 300) -> str:
    """An error's text for a log line: a validation error by field paths only (pydantic quotes the
    offending input, which may be a name); anything else scrubbed of emails and phone numbers."""
    if isinstance(exc, ValidationError):
        return describe_validation(exc)[:limit]
    return scrub_text(str(exc))[:limit]


async def record(conn: asyncpg.Connection, *, record: Any, reason: str, service: str,
                 deadletter_topic: str, withhold: bool = False) -> bool:
    """Write the dead letter in the caller's transaction; False if this offset was already done."""
    reason = scrub_text(reason)[:MAX_REASON]
    inserted = await conn.fetchval(
        'INSERT INTO dead_letters(topic, partition, "offset", reason, withheld) VALUES ($1, $2, $3, $4, $5) '
        "ON CONFLICT DO NOTHING RETURNING id", record.topic, record.partition, record.offset, reason,
        (record.value or b"") if withhold else None)
    if inserted is None:
        return False
    headers = [
        ("ptfc-reason", reason),
        ("ptfc-origin-topic", record.topic),
        ("ptfc-origin-partition", str(record.partition)),
        ("ptfc-origin-offset", str(record.offset)),
        ("ptfc-service", service),
    ]
    if withhold:
        headers.append(("ptfc-withheld", f"personal data: kept in the {service} database, dead_letters id {inserted}"))
    # The key is the sender's bytes too: text for the outbox, never a NUL PostgreSQL refuses.
    key = record.key.decode("utf-8", "replace").replace("\x00", "\ufffd") if record.key else None
    await insert_row(conn, deadletter_topic, key, b"" if withhold else (record.value or b""), headers)
    return True
