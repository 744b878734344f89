"""`ptfc topics` creates a lot's topics for every lot the operator's area table names."""
from __future__ import annotations

import asyncio
import json

from ptfc.kit import topic_admin
from ptfc.kit.settings import Settings


def test_a_lot_only_the_operators_table_names_gets_its_topics(tmp_path, monkeypatch):
    table = tmp_path / "lots.json"
    table.write_text(json.dumps({"A3": "lot-west-yorkshire"}))
    asked: list[str] = []

    async def create(settings, names):  # the broker side is tested in tests/integration
        asked.extend(names)
        return names
    monkeypatch.setattr(topic_admin, "_create_missing", create)
    asyncio.run(topic_admin.ensure_topics(Settings(lot_table_file=str(table)), give_up_after=1))
    assert {"ptfc.partner.handoff.lot-west-yorkshire", "ptfc.partner.workshops.lot-west-yorkshire",
            "ptfc.partner.handoff.lot-north"} <= set(asked)
