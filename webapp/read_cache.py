"""Answers of the hot read routes, kept until the data behind them changes.

Every committed change is announced on its process's change feed (domain/changes.py,
services.Signals); each announcement moves the *generation* on, and an answer built under an
older generation is never served again, so a change is visible on the very next read. Across
instances the generation lives in Redis: a change sets a new random value there before its
request answers, and every cached read checks the value (reads arriving together share one
GET). Without Redis the generation is a counter in the process; with Redis down nothing is
served from the cache.

An answer also ends when time alone changes it (a hold runs out, a slot starts: the builder
says when), and after `ttl_s` at most, as a bound on anything announced late.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis

from domain.changes import Change, ChangeFeed
from domain.timerules import utcnow
from metrics import Metrics

log = logging.getLogger(__name__)

GENERATION_KEY = "read-cache:generation"
TTL_S = 30.0
MAX_BYTES = 64 * 1024 * 1024
REDIS_TIMEOUT_S = 1.0
RESYNC_S = 0.5

# What a builder answers: the body, and the instant time alone changes it (None: not before
# the TTL).
Built = tuple[bytes, datetime | None]


class Generation:
    """The version of the data: moved on by every change, here and (with Redis) everywhere."""

    def __init__(self, redis: Redis | None) -> None:
        self._redis = redis
        self._local = 0
        self._batch: asyncio.Future[str | None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # GETs and resyncs under way
        self._unsynced = False  # a change Redis has not heard of yet

    async def moved(self, _change: Change | None = None) -> None:
        """A change committed (a change-feed listener): answers built before are stale."""
        self._local += 1
        if self._redis is not None:
            try:
                await asyncio.wait_for(self._renew(), REDIS_TIMEOUT_S)
            except Exception as exc:
                # The other instances cannot hear of this change yet: while Redis is down
                # they serve nothing cached (their GET fails too), and the new value is set
                # as soon as Redis answers again.
                log.warning("read cache: could not announce a change to Redis: %s", exc)
                if not self._unsynced:
                    self._unsynced = True
                    self._start(self._resync())

    async def _resync(self) -> None:
        while self._unsynced:
            await asyncio.sleep(RESYNC_S)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._renew(), REDIS_TIMEOUT_S)

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _renew(self) -> str:
        assert self._redis is not None
        value = uuid.uuid4().hex
        await self._redis.set(GENERATION_KEY, value)
        self._unsynced = False
        return value

    async def current(self) -> str | None:
        """The generation now; None when it cannot be known (Redis unreachable)."""
        if self._redis is None:
            return str(self._local)
        shared = await self._shared()
        return None if shared is None else f"{shared}:{self._local}"

    async def _shared(self) -> str | None:
        # Reads that arrive before the GET is sent share it: the GET still leaves after
        # each of them arrived, so it sees every change that committed before they did.
        if self._batch is None:
            loop = asyncio.get_running_loop()
            self._batch = loop.create_future()
            loop.call_soon(self._send_batch)
        return await asyncio.shield(self._batch)

    def _send_batch(self) -> None:
        batch, self._batch = self._batch, None
        if batch is None:
            return
        self._start(self._fetch(batch))

    async def _fetch(self, batch: asyncio.Future[str | None]) -> None:
        value: str | None = None
        try:
            value = await asyncio.wait_for(self._read_shared(), REDIS_TIMEOUT_S)
        except Exception as exc:
            log.warning("read cache: Redis unreachable, answering uncached: %s", exc)
        if not batch.done():
            batch.set_result(value)

    async def _read_shared(self) -> str:
        assert self._redis is not None
        if self._unsynced:
            return await self._renew()
        raw = await self._redis.get(GENERATION_KEY)
        if raw is None:
            # A fresh (or restarted) Redis: a new random value can never match an answer
            # built before.
            await self._redis.set(GENERATION_KEY, uuid.uuid4().hex, nx=True)
            raw = await self._redis.get(GENERATION_KEY)
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@dataclass(slots=True)
class _Entry:
    generation: str
    expires: float  # time.monotonic()
    body: bytes


class ReadCache:
    """Answer bodies by key, least recently used dropped beyond `max_bytes`."""

    def __init__(
        self,
        generation: Generation | None = None,
        *,
        ttl_s: float = TTL_S,
        max_bytes: int = MAX_BYTES,
        metrics: Metrics | None = None,
    ) -> None:
        self.generation = generation or Generation(None)
        self._lookups = (metrics or Metrics()).cache
        self._ttl_s = ttl_s
        self._max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._building: dict[Hashable, tuple[str, asyncio.Task[bytes]]] = {}

    async def answer(self, key: Hashable, build: Callable[[], Awaitable[Built]]) -> bytes:
        """The cached body for `key`, or `build()`'s, kept for the next reads."""
        # The generation is read before the data: a change committing while the answer is
        # built leaves the answer under the old generation, never served.
        generation = await self.generation.current()
        if generation is None:
            self._drop_all()
            self._lookups.labels("miss").inc()
            return (await build())[0]
        entry = self._entries.get(key)
        if entry is not None:
            if entry.generation == generation and time.monotonic() < entry.expires:
                self._entries.move_to_end(key)
                self._lookups.labels("hit").inc()
                return entry.body
            self._drop(key)
        self._lookups.labels("miss").inc()
        # Reads that miss together wait for one build (under the same generation only); the
        # build runs in a task of its own, so a reader that goes away does not cancel it.
        building = self._building.get(key)
        if building is None or building[0] != generation:
            task = asyncio.create_task(self._build(key, generation, build))
            task.add_done_callback(_retrieve_exception)
            self._building[key] = building = (generation, task)
        return await asyncio.shield(building[1])

    async def _build(
        self, key: Hashable, generation: str, build: Callable[[], Awaitable[Built]]
    ) -> bytes:
        try:
            body, changes_at = await build()
            self._keep(key, generation, body, changes_at)
            return body
        finally:
            if self._building.get(key, (None, None))[1] is asyncio.current_task():
                del self._building[key]

    def _keep(
        self, key: Hashable, generation: str, body: bytes, changes_at: datetime | None
    ) -> None:
        lifetime = self._ttl_s
        if changes_at is not None:
            lifetime = min(lifetime, (changes_at - utcnow()).total_seconds())
        if lifetime > 0 and len(body) <= self._max_bytes // 4:
            self._drop(key)
            self._entries[key] = _Entry(generation, time.monotonic() + lifetime, body)
            self._bytes += len(body)
            while self._bytes > self._max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)

    def _drop_all(self) -> None:
        self._entries.clear()
        self._bytes = 0


def _retrieve_exception(task: asyncio.Task[bytes]) -> None:
    """A build's error reaches its readers; with none left, it must not be reported as lost."""
    if not task.cancelled():
        task.exception()


@contextlib.asynccontextmanager
async def following(changes: ChangeFeed, redis: Redis | None) -> AsyncIterator[Generation]:
    """A generation moved on by every change announced on `changes`, for the block: each
    process that changes data (web server, worker) runs one, so every instance hears of it."""
    generation = Generation(redis)
    unsubscribe = changes.subscribe(generation.moved)
    try:
        yield generation
    finally:
        unsubscribe()
        await generation.close()
