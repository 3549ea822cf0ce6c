"""Hand-written reads that run unchanged on PostgreSQL and SQLite.

The hottest reads are written as SQL once: building them with Tortoise and turning every row
into Python through the ORM costs more than running them (bench/README.md). Their SQL uses
PostgreSQL's numbered parameters ($1, $2...), which SQLite takes as ?1, ?2..., and
`CAST(x AS type)`, which both accept. Two things come back differently: an instant, which
SQLite gives as the text Tortoise stored (`instant` reads both), and a boolean, which SQLite
gives as 0 or 1 (`bool()` reads both).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

_NUMBERED_PARAMETER = re.compile(r"\$(\d+)")


@functools.cache
def _sqlite_text(sql: str) -> str:
    return _NUMBERED_PARAMETER.sub(r"?\1", sql)


async def fetch(sql: str, *params: object) -> Sequence[Sequence[Any]]:
    """The rows of `sql`, each a sequence of its columns in the order selected."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        sql = _sqlite_text(sql)
    _, rows = await connection.execute_query(sql, list(params))
    return rows


def instant(value: datetime | str) -> datetime:
    """A stored instant in UTC, as the ORM reads it."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).astimezone(UTC)
    return value
