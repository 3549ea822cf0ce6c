"""``BotApiEmulator``, put together from the parts, and serving it over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.emulator.bot_settings import BotSettings
from sandbox.emulator.faults import FaultInjection
from sandbox.emulator.http import HttpApi
from sandbox.emulator.messages import MessageMethods
from sandbox.emulator.observation import Observation
from sandbox.emulator.person import PersonSide
from sandbox.emulator.polling import Polling
from sandbox.emulator.state import SANDBOX_TOKEN, SandboxError
from sandbox.emulator.webhook import Webhook

if TYPE_CHECKING:
    from aiogram import Bot


class BotApiEmulator(
    HttpApi,
    MessageMethods,
    Polling,
    Webhook,
    BotSettings,
    PersonSide,
    Observation,
    FaultInjection,
):
    """The Telegram Bot API for any number of bots, plus the people who talk to them.

    The bot side is HTTP (http.py, and the methods in messages.py, polling.py, webhook.py,
    bot_settings.py); the person side is a Python API (person.py); tests read the result
    (observation.py) and can make the API misbehave (faults.py). The state is in core.py.
    """

    def attach(self, app: web.Application) -> None:
        """Serve the Bot API from ``app`` and release the emulator's resources with it."""
        app.add_routes(self.routes())
        if EMULATOR_KEY not in app:
            app[EMULATOR_KEY] = self
        app.on_cleanup.append(self._on_cleanup)

    def create_app(self) -> web.Application:
        """A standalone application serving only the Bot API."""
        # Telegram accepts uploads up to 50 MB
        app = web.Application(client_max_size=50 * 1024 * 1024)
        self.attach(app)
        return app

    def make_bot(self, token: str = SANDBOX_TOKEN, **kwargs: Any) -> Bot:
        """An aiogram Bot talking to this emulator (the caller closes its session)."""
        from aiogram import Bot  # noqa: PLC0415 - the emulator itself does not need aiogram
        from aiogram.client.session.aiohttp import AiohttpSession  # noqa: PLC0415
        from aiogram.client.telegram import TelegramAPIServer  # noqa: PLC0415

        if self.base_url is None:
            raise SandboxError("the emulator is not serving yet; use run_emulator()")
        api = TelegramAPIServer.from_base(self.base_url)
        return Bot(token, session=AiohttpSession(api=api), **kwargs)

    async def _on_cleanup(self, _app: web.Application) -> None:
        await self.close()

    async def close(self) -> None:
        """Answer waiting long polls, stop webhook delivery and close the HTTP client."""
        self._closed = True
        for bot in self._bots.values():
            if bot.poll_waiter is not None and not bot.poll_waiter.done():
                bot.poll_waiter.set_result(True)
            await self._stop_webhook(bot)
        if self._http is not None:
            await self._http.close()
            self._http = None


EMULATOR_KEY = web.AppKey("sandbox_emulator", BotApiEmulator)


@contextlib.asynccontextmanager
async def run_emulator(
    host: str = "127.0.0.1", port: int = 0, *, emulator: BotApiEmulator | None = None
) -> AsyncIterator[BotApiEmulator]:
    """Serve an emulator on ``host:port`` (0 = a free port) for the ``async with`` block."""
    emu = emulator or BotApiEmulator()
    runner = web.AppRunner(emu.create_app(), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        emu.base_url = f"http://{shown_host}:{bound_port}"
        yield emu
    finally:
        await emu.close()
        await runner.cleanup()
