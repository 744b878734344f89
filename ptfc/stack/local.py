"""Where `make run`'s stack is, for the commands an operator types beside it.

`make run` writes `.var/stack.json` (broker and database addresses; no secret: the embedded
PostgreSQL trusts local connections) while it runs and removes it when it stops. `ptfc report`,
`status`, `deadletters`, `erase`, `learning reissue` and `demo` read it when KAFKA_BOOTSTRAP_SERVERS
and DATABASE_URL are not set, so a newcomer's commands reach the stack they just started; set
either variable and they use the environment alone, as in production.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ptfc.kit.settings import Settings


def var_dir(root: Path) -> Path:
    return Path(os.environ.get("PTFC_VAR_DIR") or root / ".var")


def write(root: Path, kafka: str, database_url: str) -> Path:
    path = var_dir(root) / "stack.json"
    path.write_text(json.dumps({"kafka_bootstrap_servers": kafka, "database_url": database_url}))
    return path


def remove(root: Path) -> None:
    (var_dir(root) / "stack.json").unlink(missing_ok=True)


def settings(root: Path, **extra: Any) -> Settings:
    """Settings from the environment, pointed at `make run`'s stack where the environment names none."""
    path = var_dir(root) / "stack.json"
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or os.environ.get("DATABASE_URL") or not path.is_file():
        return Settings(**extra)
    return Settings(**{**json.loads(path.read_text()), **extra})
