"""SQL for which lot a person belongs to: other lots' acceptances (person_id -> lot only)."""
from __future__ import annotations

import asyncpg

from ptfc.kit import typed
from services.workshops.domain.belonging import Acceptance
from services.workshops.records import Parent


async def remember_other_lots(conn: asyncpg.Connection, newest: dict[str, Acceptance]) -> None:
    """One statement for a run (already folded to one acceptance per person). A stored later
    acceptance stands: the same rule as belonging.newest, for what was kept from earlier runs."""
    if not newest:
        return
    await conn.execute(
        "INSERT INTO other_lot_acceptances(person_id, lot, accepted_at) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) "
        "ON CONFLICT (person_id) DO UPDATE SET lot = EXCLUDED.lot, accepted_at = EXCLUDED.accepted_at "
        "WHERE other_lot_acceptances.accepted_at < EXCLUDED.accepted_at",
        list(newest), [a.lot for a in newest.values()], [a.at for a in newest.values()])


async def booking_parent(conn: asyncpg.Connection,
                         person_id: str) -> tuple[Parent | None, Acceptance | None]:
    """This lot's parent (or None), and their newest acceptance by another lot (or None), in one
    round trip."""
    row = await conn.fetchrow(
        f"SELECT p.person_id IS NOT NULL AS known, {typed.columns(Parent, 'p')}, o.lot AS other_lot, "
        "o.accepted_at AS other_accepted_at FROM (SELECT $1::text AS person_id) AS q "
        "LEFT JOIN parents p USING (person_id) LEFT JOIN other_lot_acceptances o ON o.person_id = q.person_id",
        person_id)
    elsewhere = Acceptance(row["other_lot"], row["other_accepted_at"]) if row["other_lot"] else None
    return (typed.one(Parent, row) if row["known"] else None), elsewhere
