"""Browser tests: Debian's Chromium driven by Playwright, pages served by aiohttp on loopback.

Playwright's sync API runs on one dedicated thread for the whole session (its objects belong to
that thread), so the browser starts once while each test keeps its own event loop, where the
aiohttp app, the database and the bot run. A test hands page steps to the browser thread with
``await page.run(step, *args)``; ``step(page, *args)`` uses the sync API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

Params = ParamSpec("Params")
Result = TypeVar("Result")


class BrowserThread:
    """One Chromium for the session, driven from one thread."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def call(
        self, fn: Callable[Params, Result], *args: Params.args, **kw: Params.kwargs
    ) -> Result:
        """Run ``fn`` on the browser thread and wait (from synchronous code)."""
        return self._executor.submit(fn, *args, **kw).result()

    async def run(
        self, fn: Callable[Params, Result], *args: Params.args, **kw: Params.kwargs
    ) -> Result:
        """Run ``fn`` on the browser thread while the caller's event loop keeps serving."""
        return await asyncio.wrap_future(self._executor.submit(fn, *args, **kw))

    def start(self) -> None:
        self.call(self._start)

    def _start(self) -> None:
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        expect.set_options(timeout=TIMEOUT_MS)

    def new_context(self) -> BrowserContext:
        """A fresh context (cookies, storage) with one page; call on the browser thread."""
        assert self._browser is not None
        context = self._browser.new_context(viewport={"width": 1200, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        context.new_page()
        return context

    def stop(self) -> None:
        try:
            self.call(self._stop)
        finally:
            self._executor.shutdown()

    def _stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


class BrowserPage:
    """A page of the session's browser; its steps run on the browser thread."""

    def __init__(self, thread: BrowserThread, context: BrowserContext) -> None:
        self.thread = thread
        self.context = context
        self.page = context.pages[0]

    async def run(
        self,
        step: Callable[Concatenate[Page, Params], Result],
        *args: Params.args,
        **kw: Params.kwargs,
    ) -> Result:
        return await self.thread.run(step, self.page, *args, **kw)


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


ServeApp = Callable[[web.Application], Awaitable[TestServer]]


@pytest.fixture
async def serve_app() -> AsyncIterator[ServeApp]:
    """Serve aiohttp apps on free loopback ports (see ``server.make_url``) for the test."""
    servers: list[TestServer] = []

    async def serve(app: web.Application) -> TestServer:
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return server

    yield serve
    for server in reversed(servers):
        await server.close()
