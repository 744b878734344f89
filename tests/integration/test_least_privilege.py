"""Least privilege in the database: each service instance's role reaches its own database only,
and is no superuser (as `ptfc databases` and `make run` provision them)."""
from __future__ import annotations

import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg
import pytest

from ptfc.db_names import database_for
from ptfc.provision import provision


def as_role(server_url: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(server_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{role}:{quote(password)}@{host}", "/" + database, parts.query, ""))


async def test_a_services_role_connects_to_its_own_database_and_to_no_other(settings):
    tag = uuid.uuid4().hex[:8]
    mine, theirs = (f"lp{tag}", None), (f"lq{tag}", None)
    password = "pw-" + uuid.uuid4().hex
    roles = await provision(settings.database_url, [mine, theirs], password)
    role, own, other = roles[mine[0]], database_for(*mine), database_for(*theirs)
    conn = await asyncpg.connect(as_role(settings.database_url, role, password, own))
    try:
        assert await conn.fetchval("SELECT current_database()") == own
        assert await conn.fetchval("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles "
                                   "WHERE rolname = current_user") is False
    finally:
        await conn.close()
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asyncpg.connect(as_role(settings.database_url, role, password, other))
