"""The real dispatcher and a real aiogram Bot over loopback HTTP against the Bot API emulator,
on the test database; a `Person` helper acts as a Telegram user."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.dispatcher import build_dispatcher
from bot.runtime import run_bot
from db.models import Client, Psychologist, Slot
from domain.timerules import utcnow
from sandbox import SANDBOX_TOKEN, BotApiEmulator, run_emulator
from services import Services

TOKEN = SANDBOX_TOKEN
# Distinct Telegram ids per run: FSM state in a shared Redis must not leak between runs.
_user_ids = itertools.count(random.randrange(10**9, 2 * 10**9, 10_000))


class Person:
    """A Telegram user in the emulator: sends, shares, taps, and reads what the bot shows."""

    def __init__(self, emu: BotApiEmulator, user_id: int, phone: str) -> None:
        self.emu = emu
        self.id = user_id
        self.phone = phone

    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.emu.sent(self.id)]

    def last(self) -> dict[str, Any]:
        message = self.emu.last_sent(self.id)
        assert message is not None, "the bot has sent nothing"
        return message

    def buttons(self, message: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        markup = (message or self.last()).get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    async def expect(self, fragment: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait until some bot message in the chat shows `fragment`; answer the newest such."""

        def found() -> dict[str, Any] | None:
            for message in reversed(self.emu.sent(self.id)):
                if fragment in message.get("text", ""):
                    return message
            return None

        try:
            return await self.emu.wait_for(found, timeout, f"{fragment!r} in chat {self.id}")
        except TimeoutError:
            raise AssertionError(f"{fragment!r} not shown; the chat has {self.texts()}") from None

    async def send_text(self, text: str) -> None:
        """Send text and wait for the bot's reply (every message gets one)."""
        before = len(self.emu.sent(self.id))
        self.emu.send_text(TOKEN, self.id, text)
        await self.emu.wait_for_sent(self.id, before + 1)

    async def share_contact(self) -> None:
        before = len(self.emu.sent(self.id))
        self.emu.send_contact(TOKEN, self.id, self.phone)
        await self.emu.wait_for_sent(self.id, before + 1)

    async def wait_for_menu(self) -> None:
        """Wait until the newest bot message is the client's main menu."""
        await self.emu.wait_for(
            lambda: any(b.get("callback_data") == "m:book" for b in self.buttons()),
            what="the main menu",
        )

    async def click(self, text: str, message_id: int | None = None) -> dict[str, Any]:
        """Tap the inline button labelled `text`; answers the bot's callback answer."""
        query_id = self.emu.click_button(TOKEN, self.id, text, message_id)
        return await self.emu.wait_for_callback_answer(query_id)

    async def click_data(self, message_id: int, data: str) -> dict[str, Any]:
        query_id = self.emu.click(TOKEN, self.id, message_id, data)
        return await self.emu.wait_for_callback_answer(query_id)

    def button_with(self, prefix: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        return next(
            b for b in self.buttons(message) if b.get("callback_data", "").startswith(prefix)
        )


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with run_emulator() as emulator:
        yield emulator


@pytest.fixture
async def running_bot(emu: BotApiEmulator, services: Services) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url or "")))
    services.bot = bot
    try:
        async with run_bot(services, build_dispatcher(services)):
            await emu.wait_for(lambda: emu.long_polling(TOKEN), what="the bot to poll")
            yield bot
    finally:
        await bot.session.close()


@pytest.fixture
def person(emu: BotApiEmulator, running_bot: Bot) -> Callable[..., Person]:
    """make(language="en", name=...) -> a new Telegram user with a phone of their own."""

    def make(language: str = "en", name: str = "Anna") -> Person:
        user_id = next(_user_ids)
        phone = f"+7916{user_id % 10_000_000:07d}"
        emu.user(user_id, name, username=f"u{user_id}", language_code=language, phone=phone)
        return Person(emu, user_id, phone)

    return make


def hours_from_now(hours: int) -> datetime:
    """A whole hour `hours` ahead."""
    return utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


async def make_psychologist(
    name: str,
    *,
    queries: list[str] | None = None,
    slots_at: tuple[int, ...] = (50, 52, 54),
    **fields: Any,
) -> Psychologist:
    """An active psychologist with free slots the given numbers of hours ahead."""
    psychologist = await Psychologist.create(
        name=name,
        telegram_id=fields.pop("telegram_id", next(_user_ids)),
        queries=queries or ["anxiety"],
        min_price=fields.pop("min_price", 2500),
        about=fields.pop("about", f"About {name}"),
        **fields,
    )
    for hours in slots_at:
        await Slot.create(psychologist=psychologist, starts_at=hours_from_now(hours))
    return psychologist


async def register(someone: Person) -> Client:
    """Take the person through /start and the contact button."""
    await someone.send_text("/start")
    await someone.share_contact()
    await someone.wait_for_menu()
    return await Client.get(telegram_id=someone.id)


async def free_times_of(
    someone: Person, psychologist: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Take a registered person from the menu, with any topic and price, to `psychologist`'s
    free times: (the week's message, its first time button)."""
    await someone.click("📅 Book a session")
    await someone.click("Done ▶")
    await someone.click("Any price")
    card = await someone.expect(psychologist)
    await someone.click("🗓 Free times", card["message_id"])
    week = await someone.expect(f"{psychologist}: free times")
    return week, someone.button_with("s:", week)
