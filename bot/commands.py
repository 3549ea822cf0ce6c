"""What Telegram shows around a chat: the bot's descriptions, each role's command list, and the
chat's menu button.

Clients read the bot-wide lists; staff and psychologists get their own in their chat
(`BotCommandScopeChat`), set when they open their menu and kept in step with the team by
`TeamChats`, which listens for the domain's "staff.changed" and sets every team member's chat
again (staff are few). Telegram keeps what was set, so whichever instance hears the change
sets it for all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    MenuButtonCommands,
    MenuButtonDefault,
)

from domain.changes import Change, ChangeFeed, DataChange
from domain.i18n import LANGUAGES, N_, translate
from domain.people import staff
from domain.values import Actor

log = logging.getLogger(__name__)

# The language of the lists and descriptions set without a language_code: what a person whose
# Telegram speaks neither language reads.
DEFAULT_LANGUAGE = "ru"

Commands = tuple[tuple[str, str], ...]  # (command, description id)

START = ("start", N_("Start"))
MENU = ("menu", N_("Main menu"))
LANGUAGE = ("language", N_("Language"))
HELP = ("help", N_("Help: what I can do"))
CLIENT_COMMANDS: Commands = (
    START,
    MENU,
    ("sessions", N_("My sessions")),
    ("timezone", N_("My time zone")),
    LANGUAGE,
    HELP,
)
PSYCHOLOGIST_COMMANDS: Commands = (START, MENU, LANGUAGE, HELP)
MANAGER_COMMANDS: Commands = (
    START,
    MENU,
    ("board", N_("Open the board")),
    ("login", N_("The board in a browser: a one-time link")),
    LANGUAGE,
    HELP,
)
ADMIN_COMMANDS: Commands = (
    *MANAGER_COMMANDS[:-2],
    ("invite", N_("Invite a manager or a psychologist")),
    *MANAGER_COMMANDS[-2:],
)
COMMANDS_OF = {
    Actor.CLIENT: CLIENT_COMMANDS,
    Actor.PSYCHOLOGIST: PSYCHOLOGIST_COMMANDS,
    Actor.MANAGER: MANAGER_COMMANDS,
    Actor.ADMIN: ADMIN_COMMANDS,
}

# The texts of the bot's profile: Telegram allows 512 and 120 characters.
DESCRIPTION = N_(
    "Here you can book an online session with a psychologist: choose what you would like to "
    "talk about, a price that suits you and a convenient time. If paying is hard right now, "
    "leave a low-price «help hand» request.\n\n"
    "We remind you of each session; you can move or cancel it right here.\n\n"
    "This is not an emergency service: if you or someone near you is in danger, call 112."
)
SHORT_DESCRIPTION = N_(
    "Online sessions with a psychologist: a topic, a price and a time that suit you."
)


def commands_of(role: Actor) -> Commands:
    return COMMANDS_OF.get(role, CLIENT_COMMANDS)


def _listed(commands: Commands, language: str) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=translate(language, description))
        for name, description in commands
    ]


def _by_language() -> Iterable[tuple[str | None, str]]:
    """(language_code, language) of every list: one per catalog, and the default."""
    yield from ((language, language) for language in LANGUAGES)
    yield None, DEFAULT_LANGUAGE


async def set_bot_wide(bot: Bot) -> None:
    """The clients' command list, the descriptions, in each language, and the menu button that
    shows the commands."""
    for code, language in _by_language():
        await bot.set_my_commands(_listed(CLIENT_COMMANDS, language), language_code=code)
        await bot.set_my_description(translate(language, DESCRIPTION), language_code=code)
        await bot.set_my_short_description(
            translate(language, SHORT_DESCRIPTION), language_code=code
        )
    await bot.set_chat_menu_button(menu_button=MenuButtonCommands())


async def set_chat(bot: Bot, telegram_id: int, role: Actor) -> None:
    """The command list of one person's chat, by their role. A client's chat (someone who has
    left the team) shows the bot-wide list and menu button again; the team's menu button, a
    mini app, is set with their menu (bot/handlers/start.py)."""
    scope = BotCommandScopeChat(chat_id=telegram_id)
    for code, language in _by_language():
        if role == Actor.CLIENT:
            await bot.delete_my_commands(scope=scope, language_code=code)
        else:
            await bot.set_my_commands(
                _listed(commands_of(role), language), scope=scope, language_code=code
            )
    if role == Actor.CLIENT:
        await bot.set_chat_menu_button(chat_id=telegram_id, menu_button=MenuButtonDefault())


class TeamChats:
    """Sets every team member's chat by their role now: once at start, and again after each
    "staff.changed" (changes arriving meanwhile make one more pass, not one each)."""

    def __init__(self, bot: Bot, admin_ids: Callable[[], Iterable[int]]) -> None:
        self._bot = bot
        self._admin_ids = admin_ids  # read at each pass: the settings name them
        self._wanted = asyncio.Event()
        self._wanted.set()

    async def on_change(self, change: Change) -> None:
        if isinstance(change, DataChange) and change.kind == "staff.changed":
            self._wanted.set()

    async def _sync(self) -> None:
        for member in await staff.team_roles(self._admin_ids()):
            try:
                await set_chat(self._bot, member.telegram_id, member.role)
            except TelegramAPIError as exc:
                # Someone who never opened the bot has no chat yet: their menu sets it.
                log.info("chat of %s not set: %s", member.telegram_id, exc)

    async def _run(self) -> None:
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                await self._sync()
            except Exception:
                log.exception("setting the team's chats failed; the next change tries again")

    @contextlib.asynccontextmanager
    async def running(self, feed: ChangeFeed) -> AsyncIterator[TeamChats]:
        """Follow `feed` and keep the chats in step for the block."""
        unsubscribe = feed.subscribe(self.on_change)
        task = asyncio.create_task(self._run())
        try:
            yield self
        finally:
            unsubscribe()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
