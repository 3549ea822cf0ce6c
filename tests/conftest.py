"""Test fixtures: a real database per test run (SQLite file by default, PostgreSQL when
DATABASE_URL points at one), migrated once with the project's own migrations and emptied
before each test; the web app, the Bot API emulator and the product's bot on it, API callers
and people in Telegram, and Chromium, for every folder of tests."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import uvloop
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer

import db
from config import Settings, load_settings
from sandbox import BotApiEmulator, run_emulator
from services import Services, Signals
from tests.harness.api_callers import Api
from tests.harness.bot_users import Person
from tests.harness.bots import polling
from tests.harness.browser import CHROMIUM, BrowserPage, BrowserThread, LoopbackServers, ServeApp
from tests.harness.stores import empty_tables
from webapp.app import create_app
from webapp.keys import SERVICES


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Every test runs on the event loop the product runs on (main.py): uvloop's."""
    return {"uvloop": uvloop.new_event_loop}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL") or (
        f"sqlite://{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )
    uvloop.run(db.migrate(url))
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[str]:
    await db.open_db(database_url)
    await empty_tables()
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


@pytest.fixture
def api(web_client: TestClient) -> Api:
    return Api(web_client)


@pytest.fixture
def token_headers(web_client: TestClient) -> dict[str, str]:
    """The integration API's token."""
    token = web_client.app[SERVICES].settings.integration_token.get_secret_value()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """The Bot API emulator on a loopback port."""
    async with run_emulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    """A real aiogram Bot talking to the emulator."""
    bot = emulator.make_bot()
    try:
        yield bot
    finally:
        await bot.session.close()


@pytest.fixture
async def running_bot(
    emulator: BotApiEmulator, bot: Bot, services: Services
) -> AsyncIterator[Bot]:
    """The product's dispatcher on `services`, polling the emulator."""
    async with polling(services, bot, emulator):
        yield bot


@pytest.fixture
def person(emulator: BotApiEmulator, running_bot: Bot) -> Callable[..., Person]:
    """make(language="en", name=...) -> a new Telegram user with a phone of their own."""
    return functools.partial(Person.join, emulator)


@pytest.fixture(scope="session")
def browser_thread() -> Iterator[BrowserThread]:
    # A missing browser fails the run: the page tests are part of the suite, never skipped.
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium")
    thread = BrowserThread()
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
async def page(browser_thread: BrowserThread) -> AsyncIterator[BrowserPage]:
    """A fresh browser context and page for one test."""
    context = await browser_thread.run(browser_thread.new_context)
    try:
        yield BrowserPage(browser_thread, context)
    finally:
        await browser_thread.run(context.close)


@pytest.fixture
async def serve_app() -> AsyncIterator[ServeApp]:
    """Serve aiohttp apps on free loopback ports (see ``server.make_url``) for the test."""
    servers = LoopbackServers()
    yield servers.serve
    await servers.close()
