"""Backing the database up to one file and restoring it from one.

SQLite: the online backup API, which copies a consistent snapshot while the app keeps running,
and restores the same way in reverse (one write transaction on the live file: readers see the
old data or the new, never a mix, and a failed restore leaves the old data in place).
PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --if-exists --single-transaction` with the
host, port, user and database of DATABASE_URL (the password goes through PGPASSWORD, never
the command line).

Only the database is copied; generated secrets live in DATA_DIR/secrets.json.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tortoise.backends.base.config_generator import expand_db_url

# A file of ours holds the migrations table: anything else is not a backup of this app.
MIGRATIONS_TABLE = "aerich"
SQLITE_BUSY_TIMEOUT_S = 30.0
# Backups, partial ones too, hold what the database holds (phone numbers): the owner's alone.
PRIVATE_FILE_MODE = 0o600
_POSTGRES_ENGINES = {"tortoise.backends.asyncpg", "tortoise.backends.psycopg"}


class BackupError(Exception):
    """The backup or restore did not happen; the message says why."""

    exit_code = 1


class InvalidBackup(BackupError):
    """A restore refused before touching the database: no such file, or not a backup."""

    exit_code = 2


@dataclass(frozen=True)
class PostgresTarget:
    host: str
    port: int
    user: str
    password: str
    database: str

    def arguments(self) -> list[str]:
        return ["-h", self.host, "-p", str(self.port), "-U", self.user, "-d", self.database]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _target(database_url: str) -> Path | PostgresTarget:
    """The SQLite file, or the PostgreSQL database, that DATABASE_URL names."""
    try:
        config = expand_db_url(database_url)
    except Exception as exc:
        raise BackupError(f"DATABASE_URL cannot be read: {exc}") from exc
    credentials = config["credentials"]
    if config["engine"] == "tortoise.backends.sqlite":
        file_path = str(credentials["file_path"])
        if file_path == ":memory:" or "mode=memory" in database_url:
            raise BackupError("an in-memory database cannot be backed up")
        return Path(file_path)
    if config["engine"] in _POSTGRES_ENGINES:
        return PostgresTarget(
            host=str(credentials.get("host") or "127.0.0.1"),
            port=int(credentials.get("port") or 5432),
            user=str(credentials.get("user") or ""),
            password=str(credentials.get("password") or ""),
            database=str(credentials["database"]),
        )
    raise BackupError(f"backups of {config['engine']} databases are not supported")


def _read_only(path: Path) -> sqlite3.Connection:
    """Open an SQLite file for reading without ever creating it."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)


def _replace_atomically(tmp: Path, path: Path) -> None:
    tmp.chmod(PRIVATE_FILE_MODE)
    tmp.replace(path)


def _create_private(path: Path) -> None:
    """Create `path` empty, readable by its owner only, before anything is written to it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def _temporary_beside(path: Path) -> Path:
    """An empty private file beside `path` to write the backup into (a leftover of an
    interrupted run is replaced: its mode may be anything)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; name the backup file")
    tmp = path.with_name(f".{path.name}.partial")
    tmp.unlink(missing_ok=True)
    _create_private(tmp)
    return tmp


def backup(database_url: str, path: Path) -> int:
    """Write a backup of the database to `path` (replaced only once complete); its size."""
    target = _target(database_url)
    tmp = _temporary_beside(path)
    try:
        if isinstance(target, PostgresTarget):
            _run(["pg_dump", "-Fc", "-f", str(tmp), *target.arguments()], target)
        else:
            if not target.is_file():
                raise BackupError(f"there is no database at {target}")
            try:
                source = _read_only(target)
                try:
                    copy = sqlite3.connect(tmp)
                    try:
                        source.backup(copy)
                        # one self-contained file, whatever the live database's journal mode
                        copy.execute("PRAGMA journal_mode=DELETE")
                    finally:
                        copy.close()
                finally:
                    source.close()
            except sqlite3.Error as exc:
                raise BackupError(f"{target} could not be read: {exc}") from exc
        _replace_atomically(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.stat().st_size


def restore(database_url: str, path: Path) -> None:
    """Replace the database's contents with the backup at `path`, all or nothing."""
    target = _target(database_url)
    if not path.is_file():
        raise InvalidBackup(f"there is no backup file at {path}")
    if path.stat().st_size == 0:
        raise InvalidBackup(f"{path} is empty")
    if isinstance(target, PostgresTarget):
        _check_postgres_backup(path)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                *target.arguments(),
                str(path),
            ],
            target,
        )
        return
    source = _check_sqlite_backup(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            _create_private(target)  # SQLite gives its journals the database file's mode
        live = sqlite3.connect(target, timeout=SQLITE_BUSY_TIMEOUT_S)
        try:
            # One step: the whole copy is one write transaction on the live database.
            source.backup(live)
        finally:
            live.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the restore into {target} failed, nothing changed: {exc}") from exc
    finally:
        source.close()


def _check_sqlite_backup(path: Path) -> sqlite3.Connection:
    """The backup, opened read-only, once it proves to be an intact database of this app."""
    try:
        source = _read_only(path)
    except sqlite3.Error as exc:
        raise InvalidBackup(f"{path} cannot be opened as an SQLite backup: {exc}") from exc
    try:
        (verdict,) = source.execute("PRAGMA quick_check").fetchone()
        has_migrations = source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
        ).fetchone()
    except sqlite3.Error as exc:
        source.close()
        raise InvalidBackup(f"{path} is not an SQLite backup: {exc}") from exc
    if verdict != "ok":
        source.close()
        raise InvalidBackup(f"{path} is damaged: {verdict}")
    if not has_migrations:
        source.close()
        raise InvalidBackup(f"{path} is an SQLite file but not a backup of this app's database")
    return source


def _check_postgres_backup(path: Path) -> None:
    """Refuse a file pg_restore cannot read, or one without this app's tables."""
    listing = _tool(["pg_restore", "--list", str(path)], env=None)
    if listing.returncode != 0:
        raise InvalidBackup(f"{path} is not a pg_dump -Fc backup: {_last_line(listing.stderr)}")
    if f" TABLE public {MIGRATIONS_TABLE} " not in listing.stdout:
        raise InvalidBackup(f"{path} is a PostgreSQL dump but not of this app's database")


def _run(command: list[str], target: PostgresTarget) -> None:
    done = _tool(command, env=target.environment())
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {_last_line(done.stderr)}")


def _tool(command: list[str], env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not on PATH (install the PostgreSQL client tools)")
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
