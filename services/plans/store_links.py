"""The plans service's SQL for plans that leave the system: download links and what a document
is printed from."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from ptfc.kit import typed
from services.plans.domain.document import Step
from services.plans.domain.links import Link
from services.plans.records import ListedLink, ServedLink

Db = asyncpg.Connection | asyncpg.Pool
LISTED = typed.columns(ListedLink)


async def add_link(conn: asyncpg.Connection, link: Link, case_number: str, audience: str, person_id: str,
                   cause_id: str) -> None:
    await conn.execute(
        "INSERT INTO plan_links(link_id, secret_hash, case_number, audience, person_id, cause_id, issued_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        link.link_id, link.secret_hash, case_number, audience, person_id, cause_id, link.issued_at, link.expires_at)


async def link(db: Db, link_id: str) -> ServedLink | None:
    """The link with its plan's status and the programme of the parent it is for or from (PTfC's,
    the default of `parents.programme`, should that row be missing)."""
    return typed.one(ServedLink, await db.fetchrow(
        "SELECT l.link_id, l.secret_hash, l.case_number, l.audience, l.person_id, l.expires_at, l.revoked_at, "
        "p.status, p.opened_by, p.finished_at, coalesce(pa.programme, 'ptfc') AS programme "
        "FROM plan_links l JOIN plans p USING (case_number) LEFT JOIN parents pa ON pa.person_id = l.person_id "
        "WHERE l.link_id = $1", link_id))


async def downloaded(db: Db, link_id: str, at: datetime) -> None:
    await db.execute("UPDATE plan_links SET downloads = downloads + 1, last_downloaded_at = $2 WHERE link_id = $1",
                     link_id, at)


async def case_links(db: Db, case_number: str) -> list[ListedLink]:
    return typed.many(ListedLink, await db.fetch(
        f"SELECT {LISTED} FROM plan_links WHERE case_number = $1 ORDER BY issued_at, link_id", case_number))


async def revoke(db: Db, link_id: str, at: datetime) -> ListedLink | None:
    """An operator's revocation; a link revoked already keeps its first revocation (first value
    wins). Left in SQL on purpose: one statement on the pool, atomic without a transaction."""
    return typed.one(ListedLink, await db.fetchrow(
        "UPDATE plan_links SET revoked_at = coalesce(revoked_at, $2), "
        f"revoked_because = coalesce(revoked_because, 'operator') WHERE link_id = $1 RETURNING {LISTED}",
        link_id, at))


async def revoke_case(conn: asyncpg.Connection, case_number: str, at: datetime) -> None:
    """A closed plan (a safeguarding concern) stops being downloadable by anyone."""
    await conn.execute("UPDATE plan_links SET revoked_at = $2, revoked_because = 'plan_closed' "
                       "WHERE case_number = $1 AND revoked_at IS NULL", case_number, at)


async def revoke_held_by(conn: asyncpg.Connection, person_id: str, at: datetime) -> None:
    """An erased parent's own links go dead: nobody is to use them on that parent's behalf."""
    await conn.execute("UPDATE plan_links SET revoked_at = $2, revoked_because = 'erased' "
                       "WHERE person_id = $1 AND audience = 'parent' AND revoked_at IS NULL", person_id, at)


async def history(db: Db, case_number: str) -> list[Step]:
    rows = await db.fetch("SELECT area, person_id, action, terms, occurred_at FROM plan_history "
                          "WHERE case_number = $1 ORDER BY id", case_number)
    return [Step(r["area"], r["person_id"], r["action"], r["terms"], r["occurred_at"]) for r in rows]

