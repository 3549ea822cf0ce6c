"""Hand-written statements that run unchanged on PostgreSQL and SQLite.

The hottest reads and the booking's writes are written as SQL once: building them with
Tortoise and turning every row into Python through the ORM costs more than running them
(bench/README.md). Their SQL uses PostgreSQL's numbered parameters ($1, $2...), which SQLite
takes as ?1, ?2..., `CAST(x AS type)` and `RETURNING`, which both accept. Two things come back
differently: an instant, which SQLite gives as the text Tortoise stored (`instant` reads
both), and a boolean, which SQLite gives as 0 or 1 (`bool()` reads both). Two are written
differently, here and nowhere else: a row lock (`FOR UPDATE OF`, which SQLite has no need of:
it lets one writer in at a time) and rows for several tables at once (`insert`).

Instants go in as aware datetimes in UTC: SQLite keeps the text Tortoise's adapter makes of
them, the same as the ORM's, so both compare alike. JSON goes in as its text (`json_text`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields.data import JSON_DUMPS

_NUMBERED_PARAMETER = re.compile(r"\$(\d+)")
# Tortoise runs a statement that starts with UPDATE, INSERT or DELETE without reading its
# rows: one that starts with a comment has the rows of its RETURNING read.
_READ_ROWS = "/* rows */ "


@functools.cache
def _sqlite_text(sql: str) -> str:
    return _NUMBERED_PARAMETER.sub(r"?\1", sql)


@functools.cache
def _reading_rows(sql: str) -> str:
    return _READ_ROWS + sql.lstrip()


def _on_sqlite(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "sqlite"


async def _run(connection: BaseDBAsyncClient, sql: str, params: Sequence[object]) -> Any:
    if _on_sqlite(connection):
        sql = _sqlite_text(sql)
    _, rows = await connection.execute_query(sql, list(params))
    return rows


async def fetch(sql: str, *params: object) -> Sequence[Sequence[Any]]:
    """The rows of `sql` (a SELECT, or a change with RETURNING), each a sequence of its
    columns in the order selected."""
    return await _run(connections.get("default"), _reading_rows(sql), params)


async def fetch_locked(sql: str, *params: object, of: str) -> Sequence[Sequence[Any]]:
    """The rows of the SELECT `sql`, the rows of its table `of` (a name or alias in its FROM)
    locked until the transaction ends."""
    connection = connections.get("default")
    if not _on_sqlite(connection):
        sql = _locking(sql, of)
    return await _run(connection, sql, params)


@functools.cache
def _locking(sql: str, of: str) -> str:
    return f"{sql} FOR UPDATE OF {of}"


@dataclass(frozen=True, slots=True)
class Rows:
    """Rows for one table: its columns, and each row's values in their order. A row whose
    `skip_existing` columns (a unique key) match a stored row's is not written."""

    table: str
    columns: tuple[str, ...]
    values: Sequence[Sequence[object]]
    skip_existing: tuple[str, ...] = ()


def _values_insert(rows: Rows, params: list[object]) -> str:
    """The INSERT of `rows`, its values appended to `params` as numbered parameters."""
    tuples = []
    for row in rows.values:
        first = len(params) + 1
        params.extend(row)
        tuples.append("(" + ", ".join(f"${first + n}" for n in range(len(row))) + ")")
    sql = f"INSERT INTO {rows.table} ({', '.join(rows.columns)}) VALUES {', '.join(tuples)}"
    if rows.skip_existing:
        sql += f" ON CONFLICT ({', '.join(rows.skip_existing)}) DO NOTHING"
    return sql


async def insert(*batches: Rows) -> None:
    """Write every row of `batches`: on PostgreSQL in one statement, each table's INSERT a
    WITH of the next (one round trip); on SQLite one INSERT per table (SQLite runs in this
    process: a statement costs no round trip). Inside a transaction, all or nothing."""
    batches = tuple(batch for batch in batches if batch.values)
    if not batches:
        return
    connection = connections.get("default")
    if _on_sqlite(connection):
        for batch in batches:
            params: list[object] = []
            await _run(connection, _values_insert(batch, params), params)
        return
    params = []
    inserts = [_values_insert(batch, params) for batch in batches]
    withs = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(inserts[:-1]))
    await _run(connection, f"WITH {withs} {inserts[-1]}" if withs else inserts[-1], params)


def json_text(value: object) -> str:
    """A JSON column's value as both databases take it, written as the ORM writes it."""
    return JSON_DUMPS(value)


def instant(value: datetime | str) -> datetime:
    """A stored instant in UTC, as the ORM reads it."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).astimezone(UTC)
    return value
