"""Test fixtures: a real database per test run (SQLite file by default, PostgreSQL when
DATABASE_URL points at one), migrated once with the project's own migrations and emptied
before each test."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from tortoise import Tortoise, connections

import db
from config import Settings, load_settings
from services import Services, Signals
from webapp.app import create_app

IS_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL") or (
        f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )
    asyncio.run(db.migrate(url))
    return url


async def _empty_tables() -> None:
    conn = connections.get("default")
    tables = [
        model._meta.db_table
        for model in Tortoise.apps.get_models_iterable()
        if model._meta.db_table != "aerich"
    ]
    if IS_POSTGRES:
        await conn.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "PRAGMA foreign_keys=ON;"
        )


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[str]:
    await db.open_db(database_url)
    await _empty_tables()
    try:
        yield database_url
    finally:
        await db.close_db()


@pytest.fixture
async def signals() -> AsyncIterator[Signals]:
    """The in-memory announcements of the process under test. The test body runs bound to
    them, as the process's own code runs (a request, an update, a job): what it asks of the
    domain reaches the listeners of the app, bot, scheduler and sender under test."""
    signals = Signals()
    with signals.bound():
        yield signals


@pytest.fixture
def settings(database: str, tmp_path: Path) -> Settings:
    return load_settings(
        database_url=database,
        redis_url=os.environ.get("REDIS_URL", ""),
        data_dir=tmp_path / "data",
        # the suite makes many calls a minute from one address; tests/robustness tests the limit
        rate_limit_per_min=100_000,
    )


@pytest.fixture
def services(settings: Settings, signals: Signals) -> Services:
    """The process's container, as main.py builds it: the web app and the bot under test
    share it (one process, one container)."""
    return Services(settings=settings, signals=signals)


@pytest.fixture
async def web_client(services: Services) -> AsyncIterator[TestClient]:
    """The real web app on a loopback port, on the test database, with this run's Redis."""
    app = create_app(services, own_database=False)
    async with TestClient(TestServer(app)) as client:
        yield client
