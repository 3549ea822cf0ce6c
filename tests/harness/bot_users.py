"""People in Telegram, as the Bot API emulator lets a test be them: a `Person` sends, shares
their contact, taps, and reads what the bot shows; `register` and `free_times_of` walk the
client's first steps."""

from __future__ import annotations

from typing import Any

from db.models import Client
from sandbox import BotApiEmulator
from tests.harness.bots import TOKEN
from tests.harness.builders import new_telegram_id


class Person:
    """A Telegram user in the emulator: sends, shares, taps, and reads what the bot shows."""

    def __init__(self, emulator: BotApiEmulator, user_id: int, phone: str) -> None:
        self.emulator = emulator
        self.id = user_id
        self.phone = phone

    @classmethod
    def join(cls, emulator: BotApiEmulator, language: str = "en", name: str = "Anna") -> Person:
        """A new Telegram user with a phone of their own."""
        user_id = new_telegram_id()
        phone = f"+7916{user_id % 10_000_000:07d}"
        emulator.user(user_id, name, username=f"u{user_id}", language_code=language, phone=phone)
        return cls(emulator, user_id, phone)

    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.emulator.sent(self.id)]

    def last(self) -> dict[str, Any]:
        message = self.emulator.last_sent(self.id)
        assert message is not None, "the bot has sent nothing"
        return message

    def buttons(self, message: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        markup = (message or self.last()).get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    async def expect(self, fragment: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait until some bot message in the chat shows `fragment`; answer the newest such."""

        def found() -> dict[str, Any] | None:
            for message in reversed(self.emulator.sent(self.id)):
                if fragment in message.get("text", ""):
                    return message
            return None

        try:
            return await self.emulator.wait_for(found, timeout, f"{fragment!r} in chat {self.id}")
        except TimeoutError:
            raise AssertionError(f"{fragment!r} not shown; the chat has {self.texts()}") from None

    async def send_text(self, text: str) -> None:
        """Send text and wait for the bot's reply (every message gets one)."""
        before = len(self.emulator.sent(self.id))
        self.emulator.send_text(TOKEN, self.id, text)
        await self.emulator.wait_for_sent(self.id, before + 1)

    async def share_contact(self) -> None:
        before = len(self.emulator.sent(self.id))
        self.emulator.send_contact(TOKEN, self.id, self.phone)
        await self.emulator.wait_for_sent(self.id, before + 1)

    async def wait_for_menu(self) -> None:
        """Wait until the newest bot message is the client's main menu."""
        await self.emulator.wait_for(
            lambda: any(b.get("callback_data") == "m:book" for b in self.buttons()),
            what="the main menu",
        )

    async def click(self, text: str, message_id: int | None = None) -> dict[str, Any]:
        """Tap the inline button labelled `text`; answers the bot's callback answer."""
        query_id = self.emulator.click_button(TOKEN, self.id, text, message_id)
        return await self.emulator.wait_for_callback_answer(query_id)

    async def click_data(self, message_id: int, data: str) -> dict[str, Any]:
        query_id = self.emulator.click(TOKEN, self.id, message_id, data)
        return await self.emulator.wait_for_callback_answer(query_id)

    def button_with(self, prefix: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        return next(
            b for b in self.buttons(message) if b.get("callback_data", "").startswith(prefix)
        )


async def answer_zone(someone: Person, zone: str = "Europe/Moscow") -> None:
    """Tap the city of `zone` (one of the first page's) under the bot's "where are you?"."""
    pick = f"z:pick:{zone}:"
    question = await someone.emulator.wait_for(
        lambda: next(
            (
                m
                for m in reversed(someone.emulator.sent(someone.id))
                if any(b.get("callback_data", "").startswith(pick) for b in someone.buttons(m))
            ),
            None,
        ),
        what="the question where the client is",
    )
    await someone.click_data(
        question["message_id"], someone.button_with(pick, question)["callback_data"]
    )


async def register(someone: Person, zone: str = "Europe/Moscow") -> Client:
    """Take the person through /start, the contact button and the city of `zone`."""
    await someone.send_text("/start")
    await someone.share_contact()
    await answer_zone(someone, zone)
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
