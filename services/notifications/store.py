"""All SQL of the notifications service."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import asyncpg

from ptfc.kit import typed
from services.notifications.records import Claimed


async def upsert_contacts(conn: asyncpg.Connection, contacts: list[tuple]) -> None:
    """(contact_id, role, name, email, case_number, programme, route) each, in one statement; a
    later entry for the same contact replaces an earlier one, as one statement each would."""
    latest = list({c[0]: c for c in contacts}.values())
    if latest:
        await conn.execute(
            "INSERT INTO contacts(contact_id, role, name, email, case_number, programme, route) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], "
            "$7::text[]) ON CONFLICT (contact_id) DO UPDATE SET role = EXCLUDED.role, name = EXCLUDED.name, "
            "email = EXCLUDED.email, case_number = EXCLUDED.case_number, programme = EXCLUDED.programme, "
            "route = EXCLUDED.route, updated_at = now()", *zip(*latest))


async def missing_contacts(conn: asyncpg.Connection, contact_ids: list[str]) -> set[str]:
    rows = await conn.fetch("SELECT contact_id FROM contacts WHERE contact_id = ANY($1::text[])", contact_ids)
    return set(contact_ids) - {r["contact_id"] for r in rows}


async def add_notifications(conn: asyncpg.Connection, queued: list[tuple[str, str, str, str, dict, list]]) -> None:
    """(notification_id, case_number, template, contact_id, context, attachments) each; one already
    queued (a repeat) is left as it is."""
    if queued:
        await conn.execute(
            "INSERT INTO notifications(notification_id, case_number, template, contact_id, context, attachments) "
            "SELECT n, c, t, k, x::jsonb, a::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
            "$5::text[], $6::text[]) AS u(n, c, t, k, x, a) ON CONFLICT DO NOTHING",
            # JSON as text: asyncpg would read a list inside an array parameter as another dimension.
            *zip(*[(*q[:4], json.dumps(q[4]), json.dumps(q[5])) for q in queued]))


async def claim(pool: asyncpg.Pool, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Take due notifications for sending, with a lease: a sender that dies releases them by expiry.

    A 'sending' row whose lease ran out may or may not have reached the SMTP server; it is sent
    again with the same Message-ID, so a receiver can drop the repeat (at least once, never lost).
    """
    return typed.many(Claimed, await pool.fetch(
        "UPDATE notifications n SET status = 'sending', lease_until = $1::timestamptz + $3::interval, "
        "attempts = attempts + 1 FROM contacts c "
        "WHERE n.notification_id IN (SELECT notification_id FROM notifications "
        "  WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1) "
        "  ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
        "AND c.contact_id = n.contact_id "
        "RETURNING n.notification_id, n.case_number, n.template, n.context, n.attachments, n.attempts, "
        "c.role, c.name, c.email, c.programme, c.route, "
        # `about`: the parent an FCA or court email concerns, named here and nowhere upstream.
        "(SELECT a.name FROM contacts a WHERE a.contact_id = n.context->>'about') AS about_name",
        now, limit, lease))


async def mark_sent(conn: asyncpg.Connection, notification_id: str, at: datetime,
                    event: tuple[str, str | None, bytes], forget: list[str]) -> None:
    """One statement, so one round trip: the email is recorded sent (its `forget` context keys
    dropped: delivery.bearer_links) and its event queued together."""
    await conn.execute(
        "WITH sent AS (UPDATE notifications SET status = 'sent', sent_at = $2, lease_until = NULL, "
        "context = context - $6::text[] WHERE notification_id = $1 RETURNING 1) "
        "INSERT INTO outbox(topic, key, value) SELECT $3, $4, $5 FROM sent",
        notification_id, at, *event, forget)


async def mark_retry(conn: asyncpg.Connection, notification_id: str, at: datetime, error: str) -> None:
    await conn.execute("UPDATE notifications SET status = 'pending', next_attempt_at = $2, last_error = $3, "
                       "lease_until = NULL WHERE notification_id = $1", notification_id, at, error)


async def mark_failed(conn: asyncpg.Connection, notification_id: str, error: str, forget: list[str]) -> None:
    await conn.execute("UPDATE notifications SET status = 'failed', last_error = $2, lease_until = NULL, "
                       "context = context - $3::text[] WHERE notification_id = $1", notification_id, error, forget)


async def erase_contact(conn: asyncpg.Connection, contact_id: str) -> None:
    """The person's name and address go; an email still waiting for them then fails as undeliverable
    (published as failed, permanent) instead of being sent."""
    await conn.execute("UPDATE contacts SET name = '', email = '', updated_at = now() WHERE contact_id = $1",
                       contact_id)
