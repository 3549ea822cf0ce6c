"""Mini-app page tests: the whole app on a loopback port, Chromium from tests/browser, a
manager's or psychologist's token, the console watched for errors, screenshots saved."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from playwright.sync_api import ConsoleMessage, Error, Page

from config import Settings
from db.enums import Actor, ManagerRole
from db.models import Manager
from services import Services
from tests.browser.conftest import BrowserPage, ServeApp, browser_thread, page, serve_app
from webapp.app import create_app
from webapp.auth import Principal, issue_token

__all__ = ["browser_thread", "page", "serve_app"]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 820}


@dataclass
class Site:
    """The running app and what a test needs to act on it."""

    server: TestServer
    settings: Settings
    http: ClientSession

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def token(self, role: Actor, telegram_id: int) -> str:
        return issue_token(self.settings, Principal(telegram_id, role))

    async def manager_token(self, telegram_id: int = 7001) -> str:
        await Manager.get_or_create(
            telegram_id=telegram_id, defaults={"role": ManagerRole.MANAGER}
        )
        return self.token(Actor.MANAGER, telegram_id)


@pytest.fixture
async def site(services: Services, serve_app: ServeApp) -> AsyncIterator[Site]:
    server = await serve_app(create_app(services, own_database=False))
    async with ClientSession() as http:
        yield Site(server, services.settings, http)


@dataclass
class Screen:
    """A browser page whose console errors fail the test, with screenshots in tmp_path."""

    browser: BrowserPage
    folder: Path
    errors: list[str] = field(default_factory=list)
    # API refusals the test provokes on purpose (Chromium logs every 4xx fetch as an error)
    expected_refusals: set[int] = field(default_factory=set)

    async def run(self, step, *args, **kw):  # type: ignore[no-untyped-def]
        return await self.browser.run(step, *args, **kw)

    async def screenshot(self, name: str, *, phone: bool = True) -> Path:
        path = self.folder / f"{name}.png"

        def shoot(page: Page) -> None:
            if phone:
                page.set_viewport_size(PHONE)
            page.wait_for_timeout(300)  # let transitions settle
            page.screenshot(path=str(path), full_page=True)
            page.set_viewport_size(DESKTOP)

        await self.run(shoot)
        return path


@pytest.fixture
async def screen(page: BrowserPage, tmp_path: Path) -> AsyncIterator[Screen]:
    watched = Screen(page, tmp_path)

    def watch(browser_page: Page) -> None:
        browser_page.set_viewport_size(DESKTOP)

        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            status = re.search(r"status of (\d+)", message.text)
            from_api = "/api/" in message.location.get("url", "")
            if from_api and status and int(status[1]) in watched.expected_refusals:
                return
            watched.errors.append(f"{message.text} ({message.location.get('url')})")

        def on_error(error: Error) -> None:
            watched.errors.append(str(error))

        browser_page.on("console", on_console)
        browser_page.on("pageerror", on_error)

    await page.run(watch)
    yield watched
    assert watched.errors == [], f"JavaScript errors in the console: {watched.errors}"
