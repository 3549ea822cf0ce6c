"""Tortoise connection config; `TORTOISE_ORM` is what the aerich CLI reads (pyproject.toml)."""

import os
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

MODEL_MODULES = ["db.models", "aerich.models"]
DEFAULT_DATABASE_URL = "sqlite://data/app.sqlite3"
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "asyncpg://")


async def keep_session(_connection: object) -> None:
    """A pooled PostgreSQL connection's reset when it goes back to the pool: nothing.

    asyncpg's default reset sends a query (advisory unlocks, CLOSE ALL, UNLISTEN, RESET ALL)
    on every release, a round trip for each statement run outside a transaction. Nothing
    here leaves such session state behind: no advisory locks, cursors, LISTEN or SET. A
    transaction left open is still rolled back by asyncpg before this is called."""


def _connection(database_url: str) -> str | dict[str, Any]:
    if not database_url.startswith(POSTGRES_SCHEMES):
        return database_url
    expanded = expand_db_url(database_url)
    expanded["credentials"]["reset"] = keep_session
    return expanded


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for one database; instants are stored in UTC."""
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
