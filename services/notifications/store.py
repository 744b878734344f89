"""All SQL of the notifications service."""
from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg


async def upsert_contact(conn: asyncpg.Connection, contact_id: str, role: str, name: str, email: str,
                         case_number: str) -> None:
    await conn.execute(
        "INSERT INTO contacts(contact_id, role, name, email, case_number) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (contact_id) DO UPDATE SET role = EXCLUDED.role, name = EXCLUDED.name, "
        "email = EXCLUDED.email, case_number = EXCLUDED.case_number, updated_at = now()",
        contact_id, role, name, email, case_number)


async def has_contact(conn: asyncpg.Connection, contact_id: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM contacts WHERE contact_id = $1", contact_id))


async def add_notification(conn: asyncpg.Connection, notification_id: str, case_number: str, template: str,
                           contact_id: str, context: dict, attachments: list) -> bool:
    return bool(await conn.fetchval(
        "INSERT INTO notifications(notification_id, case_number, template, contact_id, context, attachments) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true",
        notification_id, case_number, template, contact_id, context, attachments))


async def claim(pool: asyncpg.Pool, now: datetime, limit: int, lease: timedelta) -> list[asyncpg.Record]:
    """Take due notifications for sending, with a lease: a sender that dies releases them by expiry.

    A 'sending' row whose lease ran out may or may not have reached the SMTP server; it is sent
    again with the same Message-ID, so a receiver can drop the repeat (at least once, never lost).
    """
    return await pool.fetch(
        "UPDATE notifications n SET status = 'sending', lease_until = $1::timestamptz + $3::interval, "
        "attempts = attempts + 1 FROM contacts c "
        "WHERE n.notification_id IN (SELECT notification_id FROM notifications "
        "  WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1) "
        "  ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
        "AND c.contact_id = n.contact_id "
        "RETURNING n.notification_id, n.case_number, n.template, n.context, n.attachments, n.attempts, "
        "c.role, c.name, c.email, "
        # `about`: the parent an FCA or court email concerns, named here and nowhere upstream.
        "(SELECT a.name FROM contacts a WHERE a.contact_id = n.context->>'about') AS about_name",
        now, limit, lease)


async def mark_sent(conn: asyncpg.Connection, notification_id: str, at: datetime,
                    event: tuple[str, str | None, bytes]) -> None:
    """One statement, so one round trip: the email is recorded sent and its event queued together."""
    await conn.execute(
        "WITH sent AS (UPDATE notifications SET status = 'sent', sent_at = $2, lease_until = NULL "
        "WHERE notification_id = $1 RETURNING 1) "
        "INSERT INTO outbox(topic, key, value) SELECT $3, $4, $5 FROM sent",
        notification_id, at, *event)


async def mark_retry(conn: asyncpg.Connection, notification_id: str, at: datetime, error: str) -> None:
    await conn.execute("UPDATE notifications SET status = 'pending', next_attempt_at = $2, last_error = $3, "
                       "lease_until = NULL WHERE notification_id = $1", notification_id, at, error)


async def mark_failed(conn: asyncpg.Connection, notification_id: str, error: str) -> None:
    await conn.execute("UPDATE notifications SET status = 'failed', last_error = $2, lease_until = NULL "
                       "WHERE notification_id = $1", notification_id, error)
