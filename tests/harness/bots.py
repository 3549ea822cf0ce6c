"""The product's bot against the Bot API emulator: its real dispatcher polling over loopback
HTTP, or only a Bot that names the emulator's bot and sends to it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiogram import Bot

from bot.dispatcher import build_dispatcher
from bot.runtime import run_bot
from sandbox import SANDBOX_TOKEN, BotApiEmulator, run_emulator
from services import Services

TOKEN = SANDBOX_TOKEN


@contextlib.asynccontextmanager
async def polling(services: Services, bot: Bot, emulator: BotApiEmulator) -> AsyncIterator[None]:
    """The product's dispatcher on `services`, polling the emulator through `bot`, for the
    block."""
    services.bot = bot
    async with run_bot(services, build_dispatcher(services)):
        await emulator.wait_for(lambda: emulator.long_polling(TOKEN), what="the bot to poll")
        yield


@contextlib.asynccontextmanager
async def bot_on_emulator(services: Services) -> AsyncIterator[None]:
    """`services.bot` talking to a private Bot API emulator, for the block (what invite links
    name, what messages go to)."""
    async with run_emulator() as emulator:
        services.bot = emulator.make_bot()
        try:
            yield
        finally:
            await services.bot.session.close()
            services.bot = None
