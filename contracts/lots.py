"""The five lot areas and the default Cafcass-area-to-lot table (operators may replace it)."""
from __future__ import annotations

import json
from pathlib import Path

LOTS = ["lot-north", "lot-midlands", "lot-east", "lot-south-west", "lot-london-south-east"]

# Default table: Cafcass service areas A1..A20 spread over the five lots. Operators who hold the
# real table pass it as a JSON file ({"A10": "lot-north", ...}) through LOT_TABLE_FILE.
DEFAULT_AREA_TO_LOT: dict[str, str] = {
    **{f"A{n}": "lot-north" for n in (1, 2, 3, 4)},
    **{f"A{n}": "lot-midlands" for n in (5, 6, 7, 8)},
    **{f"A{n}": "lot-east" for n in (9, 10, 11, 12)},
    **{f"A{n}": "lot-south-west" for n in (13, 14, 15, 16)},
    **{f"A{n}": "lot-london-south-east" for n in (17, 18, 19, 20)},
}


def load_area_table(path: str | None) -> dict[str, str]:
    if not path:
        return dict(DEFAULT_AREA_TO_LOT)
    table = json.loads(Path(path).read_text())
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ValueError(f"{path}: expected a JSON object of area -> lot id")
    return table
