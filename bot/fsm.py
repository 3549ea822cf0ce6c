"""The FSM of an update: read once when the update takes its user's lock, written once when it
lets go.

aiogram's FSM middleware takes the user's lock and reads the state; then each set_state,
get_data and update_data of a handler goes to the storage on its own (update_data twice), and
the lock's release once more: a /start from a new user cost eight Redis round trips. Here the
update takes the lock and reads its state, its data, the language the user chose before
registering and the shared values the bot asked for (the people's generation, bot/people.py)
in one pipeline; the handlers work on what was read (`KnownFSMContext`), and what they changed
goes with the release of the lock, in one more. A write that changes nothing is not sent. The
user's next update waits for the lock, so it reads what this one wrote.

The Redis lock is polled, so of two updates waiting for it either may take it first. Each
update therefore queues first on the user's lock in this process (`OrderedIsolation`, first
come first served): a contact and the message sent right after it are handled in the order
they came, and only one update of a user per process polls Redis.

Without Redis (one process, MemoryStorage) the same goes through the storage's own methods
under the in-process lock alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aiogram import Bot
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.types import TelegramObject

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

log = logging.getLogger(__name__)

# Where a person without a client or psychologist row keeps the language they chose.
LOCALE_DESTINY = "locale"
# As aiogram's RedisEventIsolation: a lock outlives a stuck update by a minute at most, and a
# waiting update tries again every 0.1 s.
LOCK_TTL_MS = 60_000
LOCK_RETRY_S = 0.1
# Deletes the lock only while it is still this update's (after a minute it may not be).
RELEASE_LOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class OrderedIsolation(BaseEventIsolation):
    """A lock per user in this process, taken in the order the updates asked for it (an
    asyncio.Lock wakes its waiters first come first served). As aiogram's SimpleEventIsolation,
    but a user's lock is forgotten when no update holds it or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def close(self) -> None:
        self._locks.clear()


def locale_key(key: StorageKey) -> StorageKey:
    """The storage key of the user's chosen language, beside their FSM state."""
    return replace(key, destiny=LOCALE_DESTINY)


class KnownFSMContext(FSMContext):
    """An update's FSMContext over the state and data read when it took the lock. What the
    handlers set stays here until the lock is released; the data is held as its JSON text, so
    a read gives fresh objects (as from Redis) and an unchanged write is seen as one."""

    def __init__(self, storage: BaseStorage, key: StorageKey, state: str | None, data: str | None):
        super().__init__(storage, key)
        self._read = (state, data)
        self._state = state
        self._data = data  # the JSON text; None: no data

    @property
    def state(self) -> str | None:
        return self._state

    @property
    def data_text(self) -> str | None:
        return self._data

    @property
    def state_changed(self) -> bool:
        return self._state != self._read[0]

    @property
    def data_changed(self) -> bool:
        return self._data != self._read[1]

    async def get_state(self) -> str | None:
        return self._state

    async def set_state(self, state: StateType = None) -> None:
        self._state = state.state if isinstance(state, State) else state

    async def get_data(self) -> dict[str, Any]:
        return json.loads(self._data) if self._data is not None else {}

    async def set_data(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        self._data = json.dumps(data) if data else None

    async def get_value(self, key: str, default: Any | None = None) -> Any | None:
        return (await self.get_data()).get(key, default)

    async def update_data(
        self, data: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        if data:
            kwargs.update(data)  # as aiogram's: `data` wins over the keywords
        current = await self.get_data()
        current.update(kwargs)
        await self.set_data(current)
        return await self.get_data()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What an update read when it took its user's lock."""

    context: KnownFSMContext
    chosen_language: str | None
    shared: Mapping[str, bytes | None]


class RedisHeld:
    """The user's lock and everything the update reads, in one round trip; its writes and the
    release, in one more. The update first waits its turn in this process (see the module)."""

    def __init__(
        self, storage: RedisStorage, isolation: BaseEventIsolation, shared_keys: Sequence[str]
    ) -> None:
        self._storage = storage
        self._isolation = isolation
        self._shared_keys = tuple(shared_keys)

    @contextlib.asynccontextmanager
    async def __call__(self, key: StorageKey) -> AsyncIterator[Snapshot]:
        async with self._isolation.lock(key), self._redis_lock(key) as snapshot:
            yield snapshot

    @contextlib.asynccontextmanager
    async def _redis_lock(self, key: StorageKey) -> AsyncIterator[Snapshot]:
        storage, build = self._storage, self._storage.key_builder.build
        lock, state_key, data_key = build(key, "lock"), build(key, "state"), build(key, "data")
        token = secrets.token_hex(8)
        while True:
            async with storage.redis.pipeline(transaction=False) as pipe:
                pipe.set(lock, token, nx=True, px=LOCK_TTL_MS)
                pipe.get(state_key)
                pipe.get(data_key)
                pipe.get(build(locale_key(key), "data"))
                for shared_key in self._shared_keys:
                    pipe.get(shared_key)
                taken, state, data, locale, *shared = await pipe.execute()
            if taken:
                break
            await asyncio.sleep(LOCK_RETRY_S)
        context = KnownFSMContext(storage, key, _text(state), _text(data))
        chosen = json.loads(locale).get("language") if locale else None
        try:
            yield Snapshot(context, chosen, dict(zip(self._shared_keys, shared, strict=True)))
        finally:
            async with storage.redis.pipeline(transaction=False) as pipe:
                if context.state_changed:
                    if context.state is None:
                        pipe.delete(state_key)
                    else:
                        pipe.set(state_key, context.state, ex=storage.state_ttl)
                if context.data_changed:
                    if context.data_text is None:
                        pipe.delete(data_key)
                    else:
                        pipe.set(data_key, context.data_text, ex=storage.data_ttl)
                pipe.eval(RELEASE_LOCK, 1, lock, token)
                *_, released = await pipe.execute()
            if not released:
                log.warning("the FSM lock of %s ran out before its update ended", lock)


class LocalHeld:
    """The same through any storage's own methods, under an in-process lock."""

    def __init__(self, storage: BaseStorage, isolation: BaseEventIsolation) -> None:
        self._storage = storage
        self._isolation = isolation

    @contextlib.asynccontextmanager
    async def __call__(self, key: StorageKey) -> AsyncIterator[Snapshot]:
        storage = self._storage
        async with self._isolation.lock(key):
            data = await storage.get_data(key)
            context = KnownFSMContext(
                storage, key, await storage.get_state(key), json.dumps(data) if data else None
            )
            chosen = await storage.get_value(locale_key(key), "language")
            try:
                yield Snapshot(context, chosen, {})
            finally:
                if context.state_changed:
                    await storage.set_state(key, context.state)
                if context.data_changed:
                    await storage.set_data(key, await context.get_data())


class UpdateFSM(FSMContextMiddleware):
    """aiogram's FSM middleware (the same key for the same update), reading and writing as the
    module says. Puts the update's `state` and `raw_state` into the handler's data, as aiogram
    does, and `chosen_language` and `shared_values` (by key, the raw values of `shared_keys`;
    none without Redis)."""

    def __init__(
        self,
        storage: BaseStorage,
        isolation: BaseEventIsolation,
        shared_keys: Sequence[str] = (),
    ) -> None:
        super().__init__(storage, isolation)
        self._held: RedisHeld | LocalHeld = (
            RedisHeld(storage, isolation, shared_keys)
            if isinstance(storage, RedisStorage)
            else LocalHeld(storage, isolation)
        )

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot = data["bot"]
        context = self.resolve_event_context(bot, data)
        data["fsm_storage"] = self.storage
        if context is None:
            return await handler(event, data)
        async with self._held(context.key) as snapshot:
            data["state"] = snapshot.context
            data["raw_state"] = snapshot.context.state
            data["chosen_language"] = snapshot.chosen_language
            data["shared_values"] = snapshot.shared
            return await handler(event, data)


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
