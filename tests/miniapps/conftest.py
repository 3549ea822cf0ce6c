"""Fixtures of the mini-app page tests: the whole app on a loopback port, a browser page with
its console watched."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession

from config import load_settings
from services import Services
from tests.harness.browser import BrowserPage, ServeApp
from tests.harness.mini_apps import Screen, Site
from webapp.app import create_app


@pytest.fixture
async def site(database: str, tmp_path: Path, serve_app: ServeApp) -> AsyncIterator[Site]:
    settings = load_settings(
        database_url=database,
        redis_url=os.environ.get("REDIS_URL", ""),
        data_dir=tmp_path / "data",
    )
    server = await serve_app(create_app(Services(settings=settings), own_database=False))
    async with ClientSession() as http:
        yield Site(server, settings, http)


@pytest.fixture
async def screen(page: BrowserPage, tmp_path: Path) -> AsyncIterator[Screen]:
    """A page whose console errors fail the test, with screenshots in tmp_path."""
    watched = await Screen.watching(page, tmp_path)
    yield watched
    assert watched.errors == [], f"JavaScript errors in the console: {watched.errors}"
