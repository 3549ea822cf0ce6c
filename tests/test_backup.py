"""`python main.py backup` / `restore`: a round trip loses nothing, a bad file is refused and
leaves the database as it was. Runs on SQLite, and on PostgreSQL when DATABASE_URL says so."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.transactions import in_transaction

import db
from db import backup as backups
from db.enums import Actor
from db.models import Appointment, Client, Outbox, Slot
from domain.audit import Initiator
from domain.booking import appointments, catalogue
from domain.messaging import delivery
from domain.people import clients, psychologists
from domain.people.psychologists import EducationItem
from domain.tickets import leads
from tests.harness.builders import NOW, make_client, make_psychologist, make_slot
from tests.harness.stores import IS_POSTGRES

ROOT = Path(__file__).resolve().parent.parent
MANAGER = Initiator(Actor.MANAGER, ref="7001", source="test")

Snapshot = dict[str, list[tuple[Any, ...]]]


def _sqlite_file(database_url: str) -> str:
    return str(expand_db_url(database_url)["credentials"]["file_path"])


async def snapshot(database_url: str) -> Snapshot:
    """Every table's rows (order aside), plus the schema itself: tables, indexes, sequences."""
    if IS_POSTGRES:
        conn = await asyncpg.connect(database_url)
        try:
            tables = [
                row["table_name"]
                for row in await conn.fetch(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            ]
            found: Snapshot = {
                table: sorted(
                    (tuple(row.values()) for row in await conn.fetch(f'SELECT * FROM "{table}"')),
                    key=repr,
                )
                for table in tables
            }
            found["(indexes)"] = sorted(
                tuple(row.values())
                for row in await conn.fetch(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                )
            )
            found["(sequences)"] = sorted(
                tuple(row.values())
                for row in await conn.fetch(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                )
            )
            return found
        finally:
            await conn.close()
    conn = sqlite3.connect(_sqlite_file(database_url))
    try:
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        found = {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for kind, name, _ in schema
            if kind == "table"
        }
        found["(schema)"] = sorted(schema, key=repr)
        return found
    finally:
        conn.close()


async def seed() -> None:
    """A little of everything, written the way the product writes it."""
    saved = await psychologists.save_anketa(
        4001,
        {"name": "Анна Иванова", "about": "КПТ, 7 лет практики", "min_price": 3000},
        [EducationItem("Клиническая психология", "МГУ", "высшее", 2015)],
        MANAGER,
    )
    second = await make_psychologist()
    branch = await catalogue.create_branch(MANAGER, name="Онлайн")
    service = await catalogue.create_service(
        MANAGER, name="Сессия", price=3500, duration_min=50, branch_id=branch.id
    )
    first_client, _ = await clients.sign_in(
        6001, name="Мария", phone="+7 999 123-45-67", phone_verified=True
    )
    second_client = await make_client(phone="+79990000002")
    await make_client(telegram_id=None, phone="+79990000003")  # imported, no Telegram
    slots = [await make_slot(saved.psychologist, hours_ahead=48 + 24 * i) for i in range(4)]
    await make_slot(second, hours_ahead=30)
    await appointments.book(
        first_client.id, slots[0].id, MANAGER, service_id=service.id,
        require_own_hold=False, now=NOW,
    )  # fmt: skip
    cancelled = await appointments.book(
        second_client.id, slots[1].id, MANAGER, require_own_hold=False, now=NOW
    )
    await appointments.cancel(cancelled.id, MANAGER, reason="передумала", now=NOW)
    await appointments.hold_slot(second_client.id, slots[2].id, now=NOW)
    await leads.init_tracking("L-0001", "client", "phone", now=NOW)
    sent = await delivery.claim_rows(1, now=NOW + timedelta(days=1))
    await delivery.mark_sent(sent[0], message_id=77, attempts=1, now=NOW)
    assert await Outbox.all().count() >= 3
    assert await Appointment.all().count() == 2


async def damage() -> None:
    """What a bad day does: rows changed, rows deleted, rows added."""
    await Client.filter(phone="+79991234567").update(name="Испорчено")
    await Outbox.all().delete()
    await Appointment.all().delete()
    await Slot.all().delete()
    await make_client(phone="+79990000099")


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """`python main.py ...` as an operator runs it, against `database_url`."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
async def seeded(database: str) -> AsyncIterator[str]:
    await seed()
    yield database


async def test_round_trip_through_the_cli_loses_nothing(seeded: str, tmp_path: Path) -> None:
    before = await snapshot(seeded)
    path = tmp_path / "backups" / "nightly.bak"

    done = run_cli("backup", str(path), database_url=seeded)
    assert done.returncode == 0, done.stderr
    assert path.stat().st_size > 0
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # it holds phone numbers

    await damage()
    assert await snapshot(seeded) != before

    done = run_cli("restore", str(path), database_url=seeded)
    assert done.returncode == 0, done.stderr
    assert await snapshot(seeded) == before

    # the restored database carries on: new rows get fresh ids, the old ones are intact
    await db.close_db()
    await db.open_db(seeded)
    client = await make_client(phone="+79990000100")
    assert client.id > max(row[0] for row in before["clients"])
    assert (await Client.get(phone="+79991234567")).name == "Мария"


async def test_a_bad_file_is_refused_and_the_database_is_untouched(
    seeded: str, tmp_path: Path
) -> None:
    before = await snapshot(seeded)
    garbage = tmp_path / "garbage.bak"
    garbage.write_bytes(b"this is not a backup\n" * 100)

    done = run_cli("restore", str(garbage), database_url=seeded)
    assert done.returncode == 2
    assert "garbage.bak" in done.stderr
    assert "not" in done.stderr
    assert "Traceback" not in done.stderr

    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    empty = tmp_path / "empty.bak"
    empty.touch()
    for path, reason in [
        (tmp_path / "missing.bak", "there is no backup file"),
        (empty, "is empty"),
        (foreign, "not"),
    ]:
        with pytest.raises(backups.InvalidBackup, match=reason):
            backups.restore(seeded, path)
    assert await snapshot(seeded) == before


async def test_a_backup_taken_during_a_write_holds_only_committed_data(
    seeded: str, tmp_path: Path
) -> None:
    before = await snapshot(seeded)
    path = tmp_path / "online.bak"
    async with in_transaction():
        await make_client(phone="+79990000200")
        # the app is mid-transaction while the backup runs beside it
        await asyncio.to_thread(backups.backup, seeded, path)
    assert await Client.filter(phone="+79990000200").exists()

    backups.restore(seeded, path)
    await db.close_db()
    await db.open_db(seeded)
    after = await snapshot(seeded)
    # PostgreSQL sequences move outside transactions: the uncommitted insert used an id
    assert after.pop("(sequences)", None) is not None or not IS_POSTGRES
    before.pop("(sequences)", None)
    assert after == before


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL: a run with a postgres DATABASE_URL")
async def test_a_postgres_backup_restores_into_a_fresh_database(
    seeded: str, tmp_path: Path
) -> None:
    before = await snapshot(seeded)
    path = tmp_path / "pg.bak"
    backups.backup(seeded, path)

    source = expand_db_url(seeded)["credentials"]
    name = f"{source['database']}_restore_{uuid.uuid4().hex[:8]}"
    server = ["-h", str(source["host"]), "-p", str(source["port"]), "-U", str(source["user"])]
    subprocess.run(["createdb", *server, name], check=True, timeout=60)
    try:
        fresh = seeded.rsplit("/", 1)[0] + "/" + name
        backups.restore(fresh, path)
        assert await snapshot(fresh) == before
    finally:
        subprocess.run(["dropdb", "--force", *server, name], check=True, timeout=60)


async def test_a_backup_is_private_whatever_the_umask(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "nightly.bak"
    # a partial backup a crash left behind, with a loose mode
    stale = tmp_path / ".nightly.bak.partial"
    stale.write_bytes(b"half a backup")
    stale.chmod(0o644)
    previous = os.umask(0o022)
    try:
        size = backups.backup(seeded, path)
    finally:
        os.umask(previous)
    assert size > 0
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert not stale.exists()
