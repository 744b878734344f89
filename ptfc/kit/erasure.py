"""Erasure, the part every service shares: the copies of messages the kit itself keeps.

Besides a service's own tables, four kit tables hold message bytes that can name a person: the
outbox keeps sent events for a day (contact details, a certificate name, the hand-off), every
dead letter keeps the refused bytes and key (`withheld`, `withheld_key`: they are never
published), a parked event keeps its record, and so does an event deferred behind its case's timers. When a person is erased, each copy that mentions
their id goes; what still has to be sent is sent (unsent outbox rows are the system's own
obligations), and a dead letter's reason and origin stay, so counts do not change. Matching on the person id is load-bearing: every message
that carries a parent's name or address also carries their id (contact id = person id).
"""
from __future__ import annotations

import asyncpg

MENTIONS = "position(convert_to($1, 'UTF8') in {col}) > 0"
DEFERRED_VALUE = "decode(payload->>'value', 'base64')"


async def erase_kept(conn: asyncpg.Connection, person_id: str) -> int:
    """Forget every kept copy of a message that mentions this person's id; returns how many."""
    done = 0
    for sql in (f"UPDATE dead_letters SET withheld = NULL, withheld_key = NULL WHERE (withheld IS NOT NULL "
                f"AND {MENTIONS.format(col='withheld')}) OR (withheld_key IS NOT NULL "
                f"AND {MENTIONS.format(col='withheld_key')})",
                f"DELETE FROM outbox WHERE sent_at IS NOT NULL AND {MENTIONS.format(col='value')}",
                f"DELETE FROM parked WHERE {MENTIONS.format(col='value')}",
                # A deferred event (ptfc/kit/ordering.py) keeps its record, base64, in its timer:
                # the erasure wins, so it is never applied (it would bring the person back).
                "UPDATE timers SET payload = '{}', fired_at = coalesce(fired_at, now()) "
                "WHERE kind = 'kit:deferred' AND payload ? 'value' "
                f"AND {MENTIONS.format(col=DEFERRED_VALUE)}"):
        done += int((await conn.execute(sql, person_id)).split()[-1])
    return done
