"""Fixtures of the mini-app page tests: the whole app on a loopback port, a browser page with
its console watched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession

from services import Services
from tests.harness.browser import BrowserPage, ServeApp
from tests.harness.mini_apps import Screen, Site
from webapp.app import create_app


@pytest.fixture
async def site(services: Services, serve_app: ServeApp) -> AsyncIterator[Site]:
    server = await serve_app(create_app(services, own_database=False))
    async with ClientSession() as http:
        yield Site(server, services.settings, http)


@pytest.fixture
async def screen(page: BrowserPage, tmp_path: Path) -> AsyncIterator[Screen]:
    """A page whose console errors fail the test, with screenshots in tmp_path."""
    watched = await Screen.watching(page, tmp_path)
    yield watched
    assert watched.errors == [], f"JavaScript errors in the console: {watched.errors}"
