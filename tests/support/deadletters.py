"""Dead letters as a test sees them: headers on `ptfc.deadletter`, bytes in the refusing service's
database (contract v1.1 "Isolation": partners read the topic, so it never carries the bytes)."""
from __future__ import annotations

from typing import Any


def headers(record: Any) -> dict[str, str]:
    return {k: v.decode() for k, v in record.headers}


def published_nothing(record: Any) -> bool:
    """The record on `ptfc.deadletter` carries neither the refused value nor its key."""
    return record.value in (b"", None) and record.key is None and "ptfc-withheld" in headers(record)


async def kept(pool: Any, record: Any) -> bytes:
    """The refused bytes of one dead letter, from the refusing service's `dead_letters` table."""
    h = headers(record)
    value = await pool.fetchval('SELECT withheld FROM dead_letters WHERE topic = $1 AND partition = $2 '
                                'AND "offset" = $3', h["ptfc-origin-topic"], int(h["ptfc-origin-partition"]),
                                int(h["ptfc-origin-offset"]))
    assert value is not None, f"no bytes kept for {h['ptfc-origin-topic']}@{h['ptfc-origin-offset']}"
    return bytes(value)
