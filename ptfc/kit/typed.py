"""Store rows as typed records: what stores hand to handlers and domain code.

A store selects a record's fields by name (`columns`) and builds the record from the row (`one`,
`many`), so the code that decides reads attributes a type checker knows, never a driver's row by
key, and a column a migration adds reaches no caller until a record names it. Pure: no I/O.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")


def columns(record: type, alias: str | None = None) -> str:
    """The record's fields as a SELECT list (`alias.` before each when the query joins tables)."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + f.name for f in fields(record))


def one(record: type[R], row: Mapping[str, Any] | None) -> R | None:
    """The row as a `record`, None for no row. By name: a row may carry more than the record reads."""
    if row is None:
        return None
    return record(**{f.name: row[f.name] for f in fields(record)})


def many(record: type[R], rows: Iterable[Mapping[str, Any]]) -> list[R]:
    names = [f.name for f in fields(record)]
    return [record(**{n: row[n] for n in names}) for row in rows]
