"""Middlewares: the process's signals, who the user is (person), which language they read
(i18n), and throttling."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from bot.people import GENERATION_KEY, People
from domain.errors import DomainError
from domain.i18n import N_, pick_language, translate
from domain.people.telegram_users import TelegramUser
from services import Services

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

log = logging.getLogger(__name__)

TOO_MANY_TAPS = N_("Too many taps at once; please wait a second.")


class SignalsMiddleware(BaseMiddleware):
    """What the update changes is announced on its process's signals (services.Signals): the
    web app, the scheduler and the outbox sender of the same process hear it."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        services: Services = data["services"]
        with services.signals.bound():
            return await handler(event, data)


class InFlight(BaseMiddleware):
    """Tracks the updates being handled, so a stop can wait for them before the FSM storage
    closes (aiogram's polling stops without waiting for its handler tasks)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]

    async def drain(self, timeout: float) -> None:
        current = asyncio.current_task()
        pending = {t for t in self._tasks if t is not current and not t.done()}
        if pending:
            await asyncio.wait(pending, timeout=timeout)


class PersonMiddleware(BaseMiddleware):
    """Puts who the user is (a domain.people.telegram_users.TelegramUser, remembered by
    bot.people) into `data["person"]`; after UpdateFSM (bot/fsm.py), which read the people's
    generation with the user's lock."""

    def __init__(self, people: People) -> None:
        self._people = people

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None and not user.is_bot:
            shared: Mapping[str, bytes | None] = data.get("shared_values", {})
            data["person"] = await self._people.person(user.id, shared.get(GENERATION_KEY))
        return await handler(event, data)


class LocaleMiddleware(I18nMiddleware):
    """The person's stored language, else the one they chose before registering (read by
    UpdateFSM), else Telegram's language_code, else Russian."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        person: TelegramUser | None = data.get("person")
        if person is not None and person.language:
            return pick_language(person.language)
        chosen: str | None = data.get("chosen_language")
        if chosen:
            return pick_language(chosen)
        user: User | None = data.get("event_from_user")
        return pick_language(user.language_code if user else None)


def make_i18n(path: str) -> I18n:
    return I18n(path=path, default_locale="ru", domain="messages")


class PrivateChatsOnly(BaseMiddleware):
    """Sessions and phone numbers are nobody else's business: the bot talks in private chats
    only. Added to a group, it ignores messages there (even /sessions@bot) and answers a tap
    on a message there with nothing but the end of its spinner."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is None or chat.type == ChatType.PRIVATE or not isinstance(event, Update):
            return await handler(event, data)
        if event.callback_query is not None:
            await event.callback_query.answer()
        return None


class ThrottlingMiddleware(BaseMiddleware):
    """A token bucket per user: a burst of `burst` messages and taps, refilled at `rate` a
    second. Updates beyond it are dropped; a dropped tap is still answered, so no button spins.

    It sits on the update, before the FSM middleware (see bot.dispatcher): a flood is turned
    away before it queues on the user's FSM lock (a polled Redis lock with several instances)
    and before it costs a database query, so it cannot hold up everyone else's updates."""

    def __init__(self, rate: float = 4.0, burst: int = 12) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._buckets: dict[int, tuple[float, float]] = {}

    def _allow(self, user_id: int) -> bool:
        now = time.monotonic()
        tokens, stamp = self._buckets.get(user_id, (self._burst, now))
        tokens = min(self._burst, tokens + (now - stamp) * self._rate)
        allowed = tokens >= 1.0
        self._buckets[user_id] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > 50_000:
            # Forget users idle long enough to have a full bucket again.
            horizon = now - self._burst / self._rate
            self._buckets = {u: v for u, v in self._buckets.items() if v[1] > horizon}
        return allowed

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        counted = isinstance(event, Update) and (
            event.message is not None or event.callback_query is not None
        )
        if not counted or user is None or self._allow(user.id):
            return await handler(event, data)
        assert isinstance(event, Update)
        if event.callback_query is not None:
            # The person's own language is not known yet here: Telegram's language code.
            await event.callback_query.answer(translate(user.language_code, TOO_MANY_TAPS))
        return None


class RefusedTapMiddleware(BaseMiddleware):
    """A tap whose ids the domain refuses where its handler did not expect it (a forged
    button, or one left from a psychologist or a time since removed) is answered like an
    outdated button, by `answer`, instead of the catch-all apology. Inside
    CallbackAnswerMiddleware, so the tap's own answer still carries the text."""

    def __init__(self, answer: Callable[..., Awaitable[Any]]) -> None:
        self._answer = answer

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except DomainError as error:
            log.info("tap refused: %s", error.message)
            return await self._answer(
                event,
                state=data["state"],
                person=data["person"],
                services=data["services"],
                callback_answer=data["callback_answer"],
            )
