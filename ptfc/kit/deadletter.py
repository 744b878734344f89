"""Dead letters: the reason and origin on `ptfc.deadletter`, the refused bytes kept here.

Every partner reads `ptfc.deadletter`, and a refused message can be anyone's personal data (a
referral with a parent's name and address, a lot's booking), so no dead letter carries its bytes
or key there (contract v1.1, "Isolation"): the refusing service keeps both in its own
`dead_letters` table (`withheld`, `withheld_key`), where `ptfc deadletters show|replay` read
them and erasure finds them (ptfc/kit/erasure.py). The published record is headers only.
Kept bytes are not kept for ever: `forget_withheld` drops them `DEAD_LETTER_KEEP_DAYS` after the
refusal (issue 11), leaving the reason and origin, so counts do not change."""
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


class NotYet(Exception):
    """Not a refusal (so not a DeadLetter): the fact this event needs may still be on its way (it
    comes on another topic, so Kafka gives no order between them). The kit parks the event and tries again; if the fact never
    comes within PARK_MAX_SECONDS, the event is dead-lettered with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
                 deadletter_topic: str, instance: str | None = None) -> bool:
    """Write the dead letter in the caller's transaction; False if this offset was already done."""
    reason = scrub_text(reason)[:MAX_REASON]
    inserted = await conn.fetchval(
        'INSERT INTO dead_letters(topic, partition, "offset", reason, withheld, withheld_key) '
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
        record.topic, record.partition, record.offset, reason, record.value or b"", record.key)
    if inserted is None:
        return False
    headers = [
        ("ptfc-reason", reason),
        ("ptfc-origin-topic", record.topic),
        ("ptfc-origin-partition", str(record.partition)),
        ("ptfc-origin-offset", str(record.offset)),
        ("ptfc-service", service),
        # The instance (workshops.lot-north): whose database holds the bytes, for show and replay.
        ("ptfc-instance", instance or service),
        ("ptfc-withheld", f"kept in the {instance or service} database, dead_letters id {inserted}"),
    ]
    # No key either: it is the sender's bytes (a case number, or anything at all). An empty value,
    # not a null one: a null value is a tombstone to a compacting reader.
    await insert_row(conn, deadletter_topic, None, b"", headers)
    return True


FORGET_EVERY = 3600.0  # seconds between looks: the limit is in days, an hour late is nothing


async def forget_withheld(pool: asyncpg.Pool, keep_days: int) -> int:
    """Drops the kept bytes and key of every dead letter recorded more than `keep_days` ago (wall
    time, as the refusal was); 0 keeps them. Returns how many. The row stays, so `ptfc deadletters`
    still lists it and `show` says the bytes are gone; nothing is left to replay."""
    if keep_days <= 0:
        return 0
    status = await pool.execute(
        "UPDATE dead_letters SET withheld = NULL, withheld_key = NULL "
        "WHERE (withheld IS NOT NULL OR withheld_key IS NOT NULL) "
        "AND recorded_at < now() - make_interval(days => $1)", keep_days)
    return int(status.split()[-1])
