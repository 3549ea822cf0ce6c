"""Database access: connection lifecycle and migrations (aerich)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from aerich import Command
from tortoise import Tortoise, connections
from tortoise.exceptions import DBConnectionError, DoesNotExist, IntegrityError, OperationalError

from db import sql_log
from db.config import tortoise_config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# What the driver raises while the database cannot be reached: refused or cut connections,
# a server shutting down ("terminating connection due to administrator command") or still
# starting up. Nothing is wrong with the query; the same call succeeds once it is back.
# asyncpg's InternalClientError ("cannot switch to state ...; another operation is in
# progress") comes of a query starting on a pooled connection the shutting-down server has
# just terminated.
UNREACHABLE: tuple[type[BaseException], ...] = (
    DBConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
    TimeoutError,
)


# Files SQLite keeps beside the database while it writes (rollback journal, WAL and its index).
SQLITE_SIDECARS = ("-journal", "-wal", "-shm")


def _sqlite_path(database_url: str) -> Path | None:
    """The file of an SQLite DATABASE_URL; None for another database or an in-memory one."""
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        return Path(database_url.removeprefix("sqlite://").split("?")[0])
    return None


def sqlite_files(database_url: str) -> list[Path]:
    """The SQLite database and its journal files as they exist now (none on PostgreSQL)."""
    path = _sqlite_path(database_url)
    if path is None:
        return []
    candidates = [path, *(path.with_name(path.name + suffix) for suffix in SQLITE_SIDECARS)]
    return [candidate for candidate in candidates if candidate.is_file()]


def _ensure_sqlite_folder(database_url: str) -> None:
    path = _sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)


async def migrate(database_url: str) -> list[str]:
    """Apply pending aerich migrations; returns the names of those applied."""
    sql_log.hide_values()
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
    sql_log.hide_values()
    _ensure_sqlite_folder(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what it was raised from or while handling, and so on."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` comes of the database being out of reach just now. A later error may
    hide the cause: rolling back on a connection the server has closed raises asyncpg's
    InterfaceError, raised while handling the connection error itself."""
    return any(isinstance(link, UNREACHABLE) for link in exception_chain(exc))


def dialect() -> str:
    """'sqlite' or 'postgres': the few queries that differ between them ask this."""
    return connections.get("default").capabilities.dialect


async def ping() -> None:
    """One round trip to the database (health checks); raises when it is out of reach."""
    await connections.get("default").execute_query("SELECT 1")


# What the database refuses, in the words adapters answer with: a uniqueness race lost between
# a check and a write, a record gone, the database out of reach or refusing the statement.
RaceLost = IntegrityError
RecordMissing = DoesNotExist
DatabaseDown = (DBConnectionError, OperationalError)
