"""One database and one role per service instance (embedded stack and compose one-shot job)."""
from __future__ import annotations

import asyncio

import asyncpg

from ptfc.db_names import database_for


async def provision(admin_url: str, instances: list[tuple[str, str | None]], password: str) -> dict[str, str]:
    """Create role + database per instance if missing; returns instance -> role name."""
    conn = None
    for attempt in range(60):  # the server may still be starting (compose)
        try:
            conn = await asyncpg.connect(admin_url)
            break
        except (OSError, asyncpg.PostgresError):
            if attempt == 59:
                raise
            await asyncio.sleep(1)
    roles = {}
    try:
        for name, lot in instances:
            db = database_for(name, lot)
            role = db  # the role is named like its database: ptfc_<service>[_<lot>]
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                await conn.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'")
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db):
                await conn.execute(f'CREATE DATABASE "{db}" OWNER "{role}"')
            await conn.execute(f'REVOKE ALL ON DATABASE "{db}" FROM PUBLIC')
            roles[f"{name}.{lot}" if lot else name] = role
    finally:
        await conn.close()
    return roles
