"""SQL of certificates and of the one name each certificate prints."""
from __future__ import annotations

from dataclasses import astuple
from datetime import datetime

import asyncpg

from ptfc.kit import typed
from services.learning.records import Certificate

CERTIFICATE = typed.columns(Certificate)


async def add(conn: asyncpg.Connection, c: Certificate) -> bool:
    """False if this referral already has its certificate (UNIQUE (referral_id) decides)."""
    return bool(await conn.fetchval(
        "INSERT INTO certificates(certificate_number, referral_id, person_id, case_number, programme, "
        "issued_at, elearning_completed_on, workshop_attended_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (referral_id) DO NOTHING RETURNING true", *astuple(c)))


async def by_number(pool: asyncpg.Pool, number: str) -> Certificate | None:
    return typed.one(Certificate, await pool.fetchrow(
        f"SELECT {CERTIFICATE} FROM certificates WHERE certificate_number = $1", number))


async def exists(pool: asyncpg.Pool, number: str) -> bool:
    return bool(await pool.fetchval("SELECT true FROM certificates WHERE certificate_number = $1", number))


async def record_names(conn: asyncpg.Connection, names: list[tuple[str, str, datetime]]) -> None:
    """(person_id, name, recorded at) each; the latest name recorded wins (a re-referral may
    correct it). The same person twice in one list is refused (see store.start)."""
    if names:
        await conn.execute(
            "INSERT INTO certificate_names(person_id, display_name, recorded_at) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) "
            "ON CONFLICT (person_id) DO UPDATE SET display_name = EXCLUDED.display_name, "
            "recorded_at = EXCLUDED.recorded_at WHERE certificate_names.recorded_at <= EXCLUDED.recorded_at",
            *zip(*names))


async def name(conn: asyncpg.Connection | asyncpg.Pool, person_id: str) -> str | None:
    return await conn.fetchval("SELECT display_name FROM certificate_names WHERE person_id = $1", person_id)


async def forget_name_unless_certified(conn: asyncpg.Connection, person_id: str) -> None:
    """A withdrawn parent with no certificate will never need their name printed: drop it. Unless
    one is still to be issued: due before the withdrawal, its timer was held (a replay) and stays."""
    await conn.execute("DELETE FROM certificate_names n WHERE person_id = $1 AND NOT EXISTS "
                       "(SELECT 1 FROM certificates c WHERE c.person_id = n.person_id) AND NOT EXISTS "
                       "(SELECT 1 FROM timers t WHERE t.kind = 'certificate' AND t.fired_at IS NULL "
                       "AND t.payload->>'person_id' = n.person_id)", person_id)


async def erase_person(conn: asyncpg.Connection, person_id: str) -> None:
    """The certificate name goes (a certificate already issued keeps its number and dates), and
    free text in the parent's survey answers: booleans and numbers stay, for the figures."""
    await conn.execute("DELETE FROM certificate_names WHERE person_id = $1", person_id)
    await conn.execute(
        "UPDATE survey_answers s SET answers = (SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb) "
        "FROM jsonb_each(s.answers) AS e(k, v) WHERE jsonb_typeof(v) IN ('boolean', 'number')) "
        "FROM progress p WHERE p.referral_id = s.referral_id AND p.person_id = $1", person_id)
