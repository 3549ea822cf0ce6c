"""Debian's Chromium driven by Playwright, and aiohttp apps served on loopback for it.

Playwright's sync API runs on one dedicated thread for the whole session (its objects belong to
that thread), so the browser starts once while each test keeps its own event loop, where the
aiohttp app, the database and the bot run. A test hands page steps to the browser thread with
``await page.run(step, *args)``; ``step(page, *args)`` uses the sync API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

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


ServeApp = Callable[[web.Application], Awaitable[TestServer]]


class LoopbackServers:
    """aiohttp apps served on free loopback ports (see ``server.make_url``) until closed."""

    def __init__(self) -> None:
        self._servers: list[TestServer] = []

    async def serve(self, app: web.Application) -> TestServer:
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        self._servers.append(server)
        return server

    async def close(self) -> None:
        for server in reversed(self._servers):
            await server.close()
