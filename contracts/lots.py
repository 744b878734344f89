"""The five lot areas and the default Cafcass-area-to-lot table (operators may replace it)."""
from __future__ import annotations

import json
from pathlib import Path

LOTS = ["lot-north", "lot-midlands", "lot-east", "lot-south-west", "lot-london-south-east"]

# Default table: only the mappings the programme is known to use (five lots aligned with the ICFA
# boundaries). Every other Cafcass area is unmapped until the operator's LOT_TABLE_FILE maps it, so
# a referral from it is rejected (`unknown_cafcass_area`) rather than sent to a guessed lot.
DEFAULT_AREA_TO_LOT: dict[str, str] = {
    **{area: "lot-north" for area in ("A1", "A2", "A4", "A5")},
    **{area: "lot-east" for area in ("A10", "A11", "A14")},
}


def load_area_table(path: str | None) -> dict[str, str]:
    if not path:
        return dict(DEFAULT_AREA_TO_LOT)
    table = json.loads(Path(path).read_text())
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ValueError(f"{path}: expected a JSON object of area -> lot id")
    return table
