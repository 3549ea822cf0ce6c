"""Who each Telegram user is (domain.people.telegram_users.TelegramUser), remembered between
their updates.

Every change of a person, whatever makes it (the bot, the board, the legacy API, an import),
is announced by the domain after it commits as "client.updated", "psychologist.updated" or
"staff.changed" (domain/changes.py). The process that made it forgets everyone at once, before
the change's update or request answers, and moves the people's *generation* on in Redis; every
update reads that generation with its FSM lock (bot/fsm.py: no round trip of its own), and a
person remembered under another generation is looked up again. So a psychologist deactivated
on the board loses their menu on their next message, on every instance. Without Redis (one
process) the generation is a counter in the process; with Redis unreachable the update fails
before its person is looked up.

A person is also looked up again after TTL_S, a bound on a change made behind the domain's
back (by hand in SQL), and on the one the others missed while this process could not reach
Redis to announce it (it tries again on its next lookup).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass

from redis.asyncio import Redis

from domain.changes import Change, ChangeFeed, DataChange
from domain.people.telegram_users import TelegramUser, telegram_user

log = logging.getLogger(__name__)

GENERATION_KEY = "bot:people:generation"
PERSON_CHANGES = frozenset({"client.updated", "psychologist.updated", "staff.changed"})
TTL_S = 60.0
REDIS_TIMEOUT_S = 1.0
# Beyond this many remembered people the cache starts afresh (a bound, not an eviction policy).
MAX_REMEMBERED = 100_000


@dataclass(frozen=True, slots=True)
class _Known:
    person: TelegramUser
    generation: tuple[bytes | None, int]
    listed_admin: bool  # in ADMIN_IDS when looked up: the settings may change
    expires: float  # time.monotonic()


class People:
    """Telegram users by id, as of the people's generation; `on_change` listens to the change
    feed of the process (see `following`)."""

    def __init__(self, redis: Redis | None, admin_ids: Callable[[], Iterable[int]]) -> None:
        self._redis = redis
        self._admin_ids = admin_ids  # read at each lookup: the settings name them
        self._local = 0  # moved on by every change here
        self._known: dict[int, _Known] = {}
        self._unannounced = False  # a change the other instances have not heard of

    async def person(self, telegram_id: int, shared: bytes | None) -> TelegramUser:
        """Who `telegram_id` is now; `shared` is the generation read from Redis with the
        update's lock (unused without Redis)."""
        if self._unannounced:
            await self._announce()
        admin_ids = self._admin_ids()
        listed_admin = telegram_id in admin_ids
        # The generation is taken before the rows are read: a change committing meanwhile
        # leaves what is read under the old one, never served again.
        generation = (shared, self._local)
        known = self._known.get(telegram_id)
        if (
            known is not None
            and known.generation == generation
            and known.listed_admin == listed_admin
            and known.expires > time.monotonic()
        ):
            return known.person
        person = await telegram_user(telegram_id, admin_ids)
        if shared is None and self._redis is not None:
            # A fresh Redis has no generation yet: any random value starts one.
            await self._redis.set(GENERATION_KEY, uuid.uuid4().hex, nx=True)
            return person
        if len(self._known) >= MAX_REMEMBERED:
            self._known.clear()
        self._known[telegram_id] = _Known(
            person, generation, listed_admin, time.monotonic() + TTL_S
        )
        return person

    async def on_change(self, change: Change) -> None:
        """A committed change (a change-feed listener): forget everyone if it was a person's."""
        if not (isinstance(change, DataChange) and change.kind in PERSON_CHANGES):
            return
        self._local += 1
        self._known.clear()
        if self._redis is not None:
            await self._announce()

    async def _announce(self) -> None:
        assert self._redis is not None
        try:
            await asyncio.wait_for(
                self._redis.set(GENERATION_KEY, uuid.uuid4().hex), REDIS_TIMEOUT_S
            )
        except Exception as exc:
            log.warning("people: could not announce a change to Redis: %s", exc)
            self._unannounced = True
        else:
            self._unannounced = False

    @contextlib.asynccontextmanager
    async def following(self, changes: ChangeFeed) -> AsyncIterator[People]:
        """Hear the process's changes for the block."""
        unsubscribe = changes.subscribe(self.on_change)
        try:
            yield self
        finally:
            unsubscribe()


@contextlib.asynccontextmanager
async def announcing(changes: ChangeFeed, redis: Redis | None) -> AsyncIterator[None]:
    """For a process without the bot (the worker): the people's changes it makes reach the
    bots' caches, for the block."""
    async with People(redis, tuple).following(changes):
        yield
