"""asyncpg pool for a service's own database, created when missing, with versioned migrations."""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from ptfc.kit.logging import get_logger

KIT_MIGRATIONS = Path(__file__).parent / "migrations"
log = get_logger()


def with_database(server_url: str, database: str) -> str:
    """Swap the database in a URL; works for TCP and ?host=/socket/dir URLs alike."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


CREATE_LOCKS = 7470  # two-key advisory locks on the maintenance database: creating one database/role

# Another session created it between our check and our CREATE: a creator not holding our lock
# (an older release, an operator) gets DuplicateDatabaseError, or UniqueViolationError on
# pg_database's name index when both CREATEs ran at once. Either way it exists now.
ALREADY_MADE = (asyncpg.DuplicateDatabaseError, asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError)


@asynccontextmanager
async def creating(conn: asyncpg.Connection, name: str) -> AsyncIterator[None]:
    """Held while checking for and creating database/role `name`, by every replica of every
    service and by `ptfc databases`: the check-then-create is then one step. A session lock,
    as CREATE DATABASE cannot run in a transaction; the server drops it if the connection dies."""
    await conn.execute("SELECT pg_advisory_lock($1, hashtext($2))", CREATE_LOCKS, name)
    try:
        yield
    finally:
        if not conn.is_closed():
            try:
                await conn.execute("SELECT pg_advisory_unlock($1, hashtext($2))", CREATE_LOCKS, name)
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
                pass  # connection lost: the server has released the lock with it


def ident(name: str) -> str:
    """A quoted SQL identifier (utility statements take no parameters)."""
    return '"' + name.replace('"', '""') + '"'


async def database_exists(conn: asyncpg.Connection, database: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database))


async def create_database(conn: asyncpg.Connection, database: str, owner: str | None = None) -> bool:
    """CREATE DATABASE (call under `creating`); False when another session made it first."""
    try:
        await conn.execute(f"CREATE DATABASE {ident(database)}" + (f" OWNER {ident(owner)}" if owner else ""))
    except ALREADY_MADE:
        return False
    log.info("database.created", database=database)
    return True


async def ensure_database(server_url: str, database: str) -> None:
    """Create the service's database when missing and the role may; otherwise it must exist.
    Safe for any number of replicas starting at once (one creates it, the others find it)."""
    conn = await asyncpg.connect(server_url)
    try:
        if await database_exists(conn, database):
            return  # the usual case; also the one where the role may not create databases
        async with creating(conn, database):
            if not await database_exists(conn, database):
                await create_database(conn, database)
    except asyncpg.InsufficientPrivilegeError as exc:
        raise RuntimeError(f"database {database} does not exist and this role may not create it") from exc
    finally:
        await conn.close()


async def open_database(server_url: str, database: str, size: int, service_dir: Path | None) -> asyncpg.Pool:
    """A service's start-up on its database: create if missing, connect, migrate. On failure it
    closes what it opened, so the caller may simply run it again (start-up retries it)."""
    await ensure_database(server_url, database)
    pool = await create_pool(with_database(server_url, database), size)
    try:
        await migrate(pool, service_dir)
    except BaseException:
        pool.terminate()
        raise
    return pool


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(url: str, size: int, **server_settings: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(url, min_size=1, max_size=size, init=_init_connection,
                                     command_timeout=60, server_settings=server_settings or None)


XACT_LOCKS = 7469  # the two-key advisory lock space: apart from the kit's one-key session locks


async def xact_lock(conn: asyncpg.Connection, name: str) -> None:
    """A lock on `name` held to the end of the caller's transaction: one place for every
    service's advisory locks, so their keys cannot collide with each other or with the kit's."""
    await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", XACT_LOCKS, name)


async def migrate(pool: asyncpg.Pool, service_dir: Path | None) -> list[str]:
    """Apply kit then service migrations once each, under an advisory lock (replicas race here)."""
    files = sorted(KIT_MIGRATIONS.glob("*.sql"))
    names = [f"kit/{f.name}" for f in files]
    if service_dir is not None and (service_dir / "migrations").is_dir():
        svc = sorted((service_dir / "migrations").glob("*.sql"))
        files += svc
        names += [f"service/{f.name}" for f in svc]
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock(7469023)")
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                               "name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
            for name, path in zip(names, files):
                if name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(path.read_text())
                    await conn.execute("INSERT INTO schema_migrations(name) VALUES ($1)", name)
                applied.append(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(7469023)")
    if applied:
        log.info("migrations.applied", migrations=applied)
    return applied
