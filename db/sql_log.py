"""Database debug logs without the data in them.

At DEBUG, Tortoise (`tortoise.db_client`) writes every statement with its parameter values,
and aiosqlite every call with its arguments: phone numbers, names, tokens' ids. Tortoise also
writes the connection parameters, the database password among them. These filters keep the
statements (what a person debugging needs) and replace the values by a count.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

HIDDEN = "<hidden>"


def _without_password(value: object) -> object:
    if isinstance(value, dict) and "password" in value:
        return {**value, "password": HIDDEN}
    return value


def _call(value: object) -> object:
    """An aiosqlite call as `function('SQL', <n values hidden>)`: the statement, not the data."""
    if not isinstance(value, functools.partial):
        return value
    name = getattr(value.func, "__qualname__", repr(value.func))
    args = list(value.args)
    shown = [repr(args.pop(0))] if args and isinstance(args[0], str) else []
    if args or value.keywords:
        shown.append(f"<{len(args) + len(value.keywords)} argument(s) hidden>")
    return f"{name}({', '.join(shown)})"


class StatementValuesFilter(logging.Filter):
    """For `tortoise.db_client`: `"%s: %s", query, values` keeps the query; a dict of
    connection parameters loses its password."""

    def filter(self, record: logging.LogRecord) -> bool:
        args: Any = record.args
        if isinstance(args, tuple):
            if record.msg == "%s: %s" and len(args) == 2:  # noqa: PLR2004 - (query, values)
                values = args[1]
                count = len(values) if isinstance(values, list | tuple) else 1
                record.args = (args[0], f"<{count} value(s) hidden>")
            else:
                record.args = tuple(_without_password(arg) for arg in args)
        return True


class CallArgumentsFilter(logging.Filter):
    """For `aiosqlite`: `"executing %s", partial(execute, sql, values)` keeps the SQL."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_call(arg) for arg in record.args)
        return True


_FILTERS: dict[str, type[logging.Filter]] = {
    "tortoise.db_client": StatementValuesFilter,
    "aiosqlite": CallArgumentsFilter,
}


def hide_values() -> None:
    """Attach the filters to the database libraries' loggers (once per process)."""
    for name, kind in _FILTERS.items():
        logger = logging.getLogger(name)
        if not any(isinstance(existing, kind) for existing in logger.filters):
            logger.addFilter(kind())
