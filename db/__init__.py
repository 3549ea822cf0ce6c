"""Database access: connection lifecycle and migrations (aerich)."""

from __future__ import annotations

import logging
from pathlib import Path

from aerich import Command
from tortoise import Tortoise, connections

from db.config import tortoise_config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _ensure_sqlite_folder(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://").split("?")[0]).parent.mkdir(
            parents=True, exist_ok=True
        )


async def migrate(database_url: str) -> list[str]:
    """Apply pending aerich migrations; returns the names of those applied."""
    _ensure_sqlite_folder(database_url)
    async with Command(
        tortoise_config=tortoise_config(database_url), app="models", location=str(MIGRATIONS_DIR)
    ) as command:
        await command.init()
        applied = await command.upgrade(run_in_transaction=True)
    for name in applied:
        log.info("applied migration %s", name)
    return applied


async def open_db(database_url: str) -> None:
    """Connect for the lifetime of the process (every task sees this connection)."""
    _ensure_sqlite_folder(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


def dialect() -> str:
    """'sqlite' or 'postgres': the few queries that differ between them ask this."""
    return connections.get("default").capabilities.dialect
