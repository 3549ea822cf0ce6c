"""Running the bot: long polling in a background task, or a webhook when PUBLIC_URL is https.

dp = build_dispatcher(services)
mount_webhook(app, dp, services)        # before the web app starts (webhook mode only)
async with run_bot(services, dp):
    ...                                 # the bot answers until the block ends
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiogram import Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.commands import TeamChats, set_bot_wide
from bot.dispatcher import BotRedisStorage
from bot.middlewares import InFlight
from bot.people import People
from bot.responses import keep_response_types
from config import Settings
from services import Services

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
DRAIN_TIMEOUT_S = 5.0
# Updates handled at once: each holds database and Redis connections, and a burst of
# thousands would exhaust the pools (seen in bench/bot.py); the rest wait their turn.
UPDATES_IN_FLIGHT = 100


def uses_webhook(settings: Settings) -> bool:
    return settings.public_url.lower().startswith("https://")


def mount_webhook(app: web.Application, dispatcher: Dispatcher, services: Services) -> None:
    """Serve Telegram's webhook calls at WEBHOOK_PATH, checking the secret token header."""
    assert services.bot is not None, "services.bot must be created before the webhook"
    SimpleRequestHandler(
        dispatcher,
        services.bot,
        secret_token=services.settings.webhook_secret.get_secret_value(),
        handle_in_background=True,
    ).register(app, path=WEBHOOK_PATH)


@contextlib.asynccontextmanager
async def run_bot(services: Services, dispatcher: Dispatcher) -> AsyncIterator[Dispatcher]:
    """Start answering updates for the block, with the bot's profile and command lists set,
    the team's chats and the people it remembers kept in step; stop cleanly at its end."""
    bot = services.bot
    assert bot is not None, "services.bot must be created before the bot runs"
    keep_response_types()
    await set_bot_wide(bot)
    team = TeamChats(bot, lambda: services.settings.admin_ids)
    people: People = dispatcher["people"]
    async with (
        people.following(services.signals.changes),
        team.running(services.signals.changes),
        _answering(services, dispatcher),
    ):
        yield dispatcher


@contextlib.asynccontextmanager
async def _answering(services: Services, dispatcher: Dispatcher) -> AsyncIterator[None]:
    """Updates reach the dispatcher for the block: by the webhook or by long polling."""
    bot = services.bot
    assert bot is not None
    allowed = dispatcher.resolve_used_update_types()
    if uses_webhook(services.settings):
        await dispatcher.emit_startup(bot=bot)
        await bot.set_webhook(
            f"{services.settings.base_url}{WEBHOOK_PATH}",
            secret_token=services.settings.webhook_secret.get_secret_value(),
            allowed_updates=allowed,
        )
        try:
            yield
        finally:
            await dispatcher.emit_shutdown(bot=bot)
            await _release(dispatcher)
        return
    await bot.delete_webhook()
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=allowed,
            tasks_concurrency_limit=UPDATES_IN_FLIGHT,
        )
    )
    try:
        yield
    finally:
        await _stop_polling(dispatcher, polling)
        await _release(dispatcher)


async def _release(dispatcher: Dispatcher) -> None:
    """Let the updates in hand finish, then close the FSM storage."""
    in_flight: InFlight = dispatcher["in_flight"]
    await in_flight.drain(DRAIN_TIMEOUT_S)
    if isinstance(dispatcher.storage, BotRedisStorage):
        await dispatcher.storage.dispose()


async def _stop_polling(dispatcher: Dispatcher, polling: asyncio.Task[None]) -> None:
    # stop_polling is refused (or does nothing) until polling has really begun: ask again
    # until the task ends, and cancel it as a last resort.
    for _attempt in range(100):
        if polling.done():
            break
        with contextlib.suppress(RuntimeError):
            await dispatcher.stop_polling()
        await asyncio.wait({polling}, timeout=0.1)
    else:
        polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling
