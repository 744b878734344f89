"""All SQL of the referral service."""
from __future__ import annotations

import json
from datetime import datetime

import asyncpg

from contracts.referral import ReferralAccepted, ReferralRequested
from ptfc.kit import typed
from services.referral.domain.intake import History
from services.referral.records import Referral

REFERRAL = typed.columns(Referral)


async def known(conn: asyncpg.Connection, referral_ids: list[str]) -> set[str]:
    rows = await conn.fetch("SELECT referral_id FROM referrals WHERE referral_id = ANY($1::text[])", referral_ids)
    return {r["referral_id"] for r in rows}


async def histories(conn: asyncpg.Connection, person_ids: list[str]) -> dict[tuple[str, str], History]:
    """Each (person_id, programme)'s History; a pair with no referral is absent."""
    rows = await conn.fetch("SELECT person_id, programme, array_agg(DISTINCT status) AS statuses FROM referrals "
                            "WHERE person_id = ANY($1::text[]) GROUP BY person_id, programme", person_ids)
    return {(r["person_id"], r["programme"]): History.of(set(r["statuses"])) for r in rows}


async def add(conn: asyncpg.Connection, decided: list[tuple[ReferralRequested, ReferralAccepted | None, datetime]]) -> None:
    """Every decided referral in one statement: (request, acceptance or None if rejected, received at)."""
    if not decided:
        return
    cols = list(zip(*[(q.referral_id, q.case_number, q.parent.person_id, q.programme, a.lot if a else None,
                       q.ordered_on, "active" if a else "rejected", bool(a and a.re_referral), at,
                       bool(a and q.court_email), a.referred_on if a else None,
                       # JSON, not text[]: an array of arrays must be rectangular, these lists are not.
                       # Only CPPP needs them (its start waits for both parents): PTfC's hot path stays lean.
                       json.dumps(q.co_parent_person_ids) if q.programme == "cppp" else None,
                       q.cppp.proceedings if a and q.cppp else None)
                      for q, a, at in decided]))
    await conn.execute(
        "INSERT INTO referrals(referral_id, case_number, person_id, programme, lot, ordered_on, status, "
        "re_referral, received_at, has_court_email, referred_on, co_parent_person_ids, cppp_proceedings) "
        "SELECT r, c, p, g, l, o, s, rr, t, ce, d0, ARRAY(SELECT jsonb_array_elements_text(cp::jsonb)), pr FROM unnest("
        "$1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::boolean[], "
        "$9::timestamptz[], $10::boolean[], $11::date[], $12::text[], $13::text[]) "
        "AS u(r, c, p, g, l, o, s, rr, t, ce, d0, cp, pr)", *cols)


async def get(conn: asyncpg.Connection, referral_id: str) -> Referral | None:
    return typed.one(Referral, await conn.fetchrow(
        f"SELECT {REFERRAL} FROM referrals WHERE referral_id = $1 FOR UPDATE", referral_id))


async def close(conn: asyncpg.Connection, referral_id: str, status: str, at: datetime) -> None:
    await conn.execute("UPDATE referrals SET status = $2, closed_at = $3 WHERE referral_id = $1",
                       referral_id, status, at)


async def active_referrals(conn: asyncpg.Connection, person_id: str) -> list[Referral]:
    """The person's active referrals (at most one per programme: the one-active index), locked
    until the transaction ends, for progress.referral_a_fact_counts_for to choose from. The lock is
    load-bearing: the fact's handler reads, decides and writes the chosen row while no certificate,
    withdrawal or day-42 check can change it."""
    return typed.many(Referral, await conn.fetch(
        f"SELECT {REFERRAL} FROM referrals WHERE person_id = $1 AND status = 'active' "
        "ORDER BY referral_id FOR UPDATE", person_id))


async def referrals_of(conn: asyncpg.Connection, person_id: str) -> list[Referral]:
    """Every referral the person has had, any programme or status (read only: the operator's erasure)."""
    return typed.many(Referral, await conn.fetch(
        f"SELECT {REFERRAL} FROM referrals WHERE person_id = $1", person_id))


async def set_stage(conn: asyncpg.Connection, referral_id: str, column: str, value) -> None:
    """Writes what progress.first_value_wins decided, under the row lock active_referrals took
    (load-bearing). `IS NULL` is a belt, the same rule in SQL: a first value is never overwritten."""
    assert column in {"elearning_completed_on", "workshop_attended_on", "concern_raised_at"}
    await conn.execute(f"UPDATE referrals SET {column} = $2 WHERE referral_id = $1 AND {column} IS NULL",
                       referral_id, value)


async def complete(conn: asyncpg.Connection, referral_id: str, certificate_number: str,
                   elearning_on, workshop_on, at: datetime) -> None:
    await conn.execute(
        "UPDATE referrals SET status = 'completed', closed_at = $2, certificate_number = $3, "
        "elearning_completed_on = $4, workshop_attended_on = $5 WHERE referral_id = $1",
        referral_id, at, certificate_number, elearning_on, workshop_on)


async def latest_activity(conn: asyncpg.Connection, person_id: str) -> tuple[bool, datetime | None]:
    """Whether the person has an active referral now, and when their last one closed."""
    row = await conn.fetchrow("SELECT bool_or(status = 'active') AS active, max(closed_at) AS last_closed "
                              "FROM referrals WHERE person_id = $1", person_id)
    return bool(row["active"]), row["last_closed"]
