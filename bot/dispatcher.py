"""The bot's dispatcher: FSM storage, middlewares, i18n and the routers, in order."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot import handlers
from bot.fsm import OrderedIsolation, UpdateFSM
from bot.handlers.fallback import on_stale_button
from bot.middlewares import (
    InFlight,
    LocaleMiddleware,
    PersonMiddleware,
    PrivateChatsOnly,
    RefusedTapMiddleware,
    SignalsMiddleware,
    ThrottlingMiddleware,
    make_i18n,
)
from bot.people import GENERATION_KEY, People
from domain.i18n import LOCALES_DIR
from services import Services

# A flow left for this long starts over; a language choice is kept much longer.
STATE_TTL = timedelta(days=2)
DATA_TTL = timedelta(days=30)


class BotRedisStorage(RedisStorage):
    """Closed by `bot.runtime.run_bot` after the last handler has finished, not by the
    dispatcher's shutdown, which comes while handlers may still be using it."""

    async def close(self) -> None:
        return None

    async def dispose(self) -> None:
        await super().close()


def build_storage(services: Services) -> BaseStorage:
    """Redis when REDIS_URL is set (shared by every instance), memory otherwise."""
    if services.settings.redis_url:
        return BotRedisStorage.from_url(
            services.settings.redis_url,
            key_builder=DefaultKeyBuilder(with_bot_id=True, with_destiny=True),
            state_ttl=STATE_TTL,
            data_ttl=DATA_TTL,
        )
    return MemoryStorage()


def build_dispatcher(services: Services) -> Dispatcher:
    """The production dispatcher; `services` reaches every handler as workflow data, and
    `people` (bot.people.People) too, which `bot.runtime.run_bot` keeps following the
    changes."""
    storage = build_storage(services)
    redis = storage.redis if isinstance(storage, RedisStorage) else None
    # The users' locks in this process; with Redis, UpdateFSM takes one there too.
    isolation = OrderedIsolation()
    people = People(redis, lambda: services.settings.admin_ids)
    in_flight = InFlight()
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        disable_fsm=True,
        services=services,
        in_flight=in_flight,
        people=people,
    )
    # Throttling comes before the FSM middleware and its per-user lock: a flood from one
    # user is turned away at once instead of queueing there ahead of everyone else (and
    # InFlight before both, so a stop also waits for the taps being turned away).
    dp.update.outer_middleware(SignalsMiddleware())
    dp.update.outer_middleware(in_flight)
    dp.update.outer_middleware(PrivateChatsOnly())
    dp.update.outer_middleware(ThrottlingMiddleware())
    dp.update.outer_middleware(UpdateFSM(storage, isolation, shared_keys=(GENERATION_KEY,)))
    dp.update.outer_middleware(PersonMiddleware(people))
    i18n = make_i18n(str(LOCALES_DIR))
    LocaleMiddleware(i18n).setup(dp)
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    dp.callback_query.middleware(RefusedTapMiddleware(on_stale_button))
    dp.include_routers(*handlers.get_routers())
    return dp
