"""One database and one role per service instance (embedded stack and compose one-shot job)."""
from __future__ import annotations

import asyncpg

from ptfc.db_names import database_for
from ptfc.kit import db
from ptfc.kit.logging import get_logger
from ptfc.kit.retry import until_available

log = get_logger()


async def provision(admin_url: str, instances: list[tuple[str, str | None]], password: str,
                    give_up_after: float = 120.0) -> dict[str, str]:
    """Create role + database per instance if missing; returns instance -> role name. Waits for
    the server (it may still be starting, as in compose), then gives up with the last error."""
    conn = await until_available(lambda: asyncpg.connect(admin_url), "database", log,
                                 give_up_after=give_up_after)
    roles = {}
    try:
        for name, lot in instances:
            role = database = database_for(name, lot)  # the role is named like its database
            # The same lock as a service's own start-up, so this job, a second copy of it and a
            # replica creating its database cannot race each other.
            async with db.creating(conn, database):
                await _ensure_role(conn, role, password)
                if not await db.database_exists(conn, database):
                    await db.create_database(conn, database, owner=role)
            await conn.execute(f"REVOKE ALL ON DATABASE {db.ident(database)} FROM PUBLIC")
            roles[f"{name}.{lot}" if lot else name] = role
    finally:
        await conn.close()
    return roles


async def _ensure_role(conn: asyncpg.Connection, role: str, password: str) -> None:
    if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        return
    # format(%L) quotes the password as a literal: it may hold any character.
    sql = await conn.fetchval("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)",
                              role, password)
    try:
        await conn.execute(sql)
    except db.ALREADY_MADE:
        pass  # made by a creator not holding the lock: it exists, which is what was asked
