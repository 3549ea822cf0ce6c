"""Answers of the hot read routes, kept until the data behind them changes.

Every committed change is announced on its process's change feed (domain/changes.py,
services.Signals); each announcement moves the *generation* on, and an answer built under an
older generation is never served again, so a change is visible on the very next read. Across
the instances on one database the generation lives in Redis (a key per database): a change
sets a new random value there before its request answers, and every cached read checks the
value with a GET that leaves after the read arrived (one GET at a time, shared by every read
that arrived before it left, on a connection of its own: webapp/redis_line.py). Without Redis
the generation is a counter in the process; with Redis down nothing is served from the cache.

An answer is kept as JSON, and gzip-compressed too once a reader takes gzip. It also ends when
time alone changes it (a hold runs out, a slot starts: the builder says when), and after
`ttl_s` at most, as a bound on anything announced late.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
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
from webapp.redis_line import RedisLine
from webapp.relay import channel_for

log = logging.getLogger(__name__)

# the Redis key of the generation of one database's data (webapp.relay.channel_for)
GENERATION_TOPIC = "read-cache:generation"
TTL_S = 30.0
MAX_BYTES = 64 * 1024 * 1024
REDIS_TIMEOUT_S = 1.0
RESYNC_S = 0.5
# JSON shrinks about tenfold at level 6; higher levels cost far more for little less
GZIP_LEVEL = 6
# An answer this large is compressed as it is built, in a thread (some ms of the event loop)
GZIP_IN_THREAD_BYTES = 128 * 1024

# What a builder answers: the body, and the instant time alone changes it (None: not before
# the TTL).
Built = tuple[bytes, datetime | None]


class Generation:
    """The version of the data: moved on by every change, here and (with Redis) everywhere."""

    def __init__(
        self, redis: Redis | None, line: RedisLine | None = None, key: str = GENERATION_TOPIC
    ) -> None:
        self._redis = redis
        self._key = key
        self._line = line  # the GETs' own connection, when the URL allows one
        self._local = 0
        self._waiting: list[asyncio.Future[str | None]] = []  # reads the next GET answers
        self._sending = False  # a GET is on its way, or about to be sent
        self._closed = False
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
        await self._redis.set(self._key, value)
        self._unsynced = False
        return value

    async def current(self) -> str | None:
        """The generation now; None when it cannot be known (Redis unreachable)."""
        if self._redis is None:
            return str(self._local)
        shared = await self._shared()
        return None if shared is None else f"{shared}:{self._local}"

    def _shared(self) -> asyncio.Future[str | None]:
        # One GET at a time: reads that arrive before it is sent share it, and those that
        # arrive while it is on its way share the next, sent as soon as it answers. Each read
        # is answered by a GET that left after it arrived, so it sees every change that
        # committed before it did.
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[str | None] = loop.create_future()
        self._waiting.append(waiter)
        if not self._sending:
            self._sending = True
            loop.call_soon(self._send_batch)
        return waiter

    def _send_batch(self) -> None:
        batch, self._waiting = self._waiting, []
        reply = None
        if self._line is not None and not self._unsynced:
            reply = self._line.send_get(self._key)
        if reply is None:  # the line is to be opened, or Redis told of a change first
            self._start(self._fetch(batch))
            return
        # The common case, with no task and no coroutine: a GET on the open line
        timer = asyncio.get_running_loop().call_later(REDIS_TIMEOUT_S, reply.cancel)
        reply.add_done_callback(functools.partial(self._answered, batch, timer))

    def _answered(
        self,
        batch: list[asyncio.Future[str | None]],
        timer: asyncio.TimerHandle,
        reply: asyncio.Future[bytes | None],
    ) -> None:
        timer.cancel()
        problem = "no answer in time" if reply.cancelled() else reply.exception()
        if problem is not None:
            assert self._line is not None
            self._line.close()  # it may be stuck: the next GET opens another
            if not self._closed:
                log.warning("read cache: Redis unreachable, answering uncached: %s", problem)
            self._resolve(batch, None)
        elif (value := reply.result()) is None:
            self._start(self._fetch(batch))  # the generation is to be set first
        else:
            self._resolve(batch, value.decode())

    async def _fetch(self, batch: list[asyncio.Future[str | None]]) -> None:
        value: str | None = None
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_S):
                value = await self._read_shared()
        except Exception as exc:
            log.warning("read cache: Redis unreachable, answering uncached: %s", exc)
        finally:
            self._resolve(batch, value)

    def _resolve(self, batch: list[asyncio.Future[str | None]], value: str | None) -> None:
        """Answer `batch`, and send the next GET if reads came meanwhile."""
        for waiter in batch:
            if not waiter.done():
                waiter.set_result(value)
        if self._waiting and not self._closed:
            self._send_batch()
        else:
            self._sending = False

    async def _read_shared(self) -> str:
        assert self._redis is not None
        if self._unsynced:
            return await self._renew()
        raw = await self._get()
        if raw is None:
            # A fresh (or restarted) Redis: a new random value can never match an answer
            # built before.
            await self._redis.set(self._key, uuid.uuid4().hex, nx=True)
            raw = await self._get()
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    async def _get(self) -> bytes | str | None:
        assert self._redis is not None
        if self._line is not None:
            return await self._line.get(self._key)
        return await self._redis.get(self._key)  # type: ignore[no-any-return]

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._line is not None:
            self._line.close()


@dataclass(slots=True)
class Entry:
    """An answer's body, the generation it was built under, and until when it may be served;
    its gzip compression made once, for the first reader that takes gzip (`ReadCache.gzipped`)."""

    key: Hashable
    generation: str | None  # None: built while the generation could not be known, not kept
    expires: float  # time.monotonic()
    body: bytes
    gzipped: bytes | None = None


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
        lookups = (metrics or Metrics()).cache
        self._hits, self._misses = lookups.labels("hit"), lookups.labels("miss")
        self._ttl_s = ttl_s
        self._max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self._building: dict[Hashable, tuple[str, asyncio.Task[Entry]]] = {}

    async def answer(self, key: Hashable, build: Callable[[], Awaitable[Built]]) -> Entry:
        """The cached answer for `key`, or `build()`'s, kept for the next reads."""
        # The generation is read before the data: a change committing while the answer is
        # built leaves the answer under the old generation, never served.
        generation = await self.generation.current()
        if generation is None:
            self._drop_all()
            self._misses.inc()
            return Entry(key, None, 0.0, (await build())[0])
        entry = self.fresh(key, generation)
        if entry is not None:
            return entry
        self._misses.inc()
        # Reads that miss together wait for one build (under the same generation only); the
        # build runs in a task of its own, so a reader that goes away does not cancel it.
        building = self._building.get(key)
        if building is None or building[0] != generation:
            task = asyncio.create_task(self._build(key, generation, build))
            task.add_done_callback(_retrieve_exception)
            self._building[key] = building = (generation, task)
        return await asyncio.shield(building[1])

    def fresh(self, key: Hashable, generation: str | None) -> Entry | None:
        """The kept answer for `key` if it was built under `generation` (the current one, as
        `self.generation` said it) and has not expired, counted as a hit; else None (and a
        stale answer is dropped)."""
        entry = self._entries.get(key)
        if entry is None or generation is None:
            return None
        if entry.generation == generation and time.monotonic() < entry.expires:
            self._entries.move_to_end(key)
            self._hits.inc()
            return entry
        self._drop(key)
        return None

    def gzipped(self, entry: Entry) -> bytes:
        """`entry`'s body gzip-compressed: compressed by its first reader (or, when large, as
        it was built), kept for the rest."""
        if entry.gzipped is None:
            entry.gzipped = _gzip(entry.body)
            if self._entries.get(entry.key) is entry:
                self._bytes += len(entry.gzipped)
                self._trim()
        return entry.gzipped

    async def _build(
        self, key: Hashable, generation: str, build: Callable[[], Awaitable[Built]]
    ) -> Entry:
        try:
            body, changes_at = await build()
            gzipped = None
            if len(body) >= GZIP_IN_THREAD_BYTES:
                # Large answers (the board, everyone's slots) are read by browsers, which take
                # gzip: compressed now, in a thread, rather than by a reader on the event loop.
                gzipped = await asyncio.to_thread(_gzip, body)
            return self._keep(key, generation, body, changes_at, gzipped)
        finally:
            if self._building.get(key, (None, None))[1] is asyncio.current_task():
                del self._building[key]

    def _keep(
        self,
        key: Hashable,
        generation: str,
        body: bytes,
        changes_at: datetime | None,
        gzipped: bytes | None,
    ) -> Entry:
        lifetime = self._ttl_s
        if changes_at is not None:
            lifetime = min(lifetime, (changes_at - utcnow()).total_seconds())
        entry = Entry(key, generation, time.monotonic() + lifetime, body, gzipped)
        if lifetime > 0 and len(body) <= self._max_bytes // 4:
            self._drop(key)
            self._entries[key] = entry
            self._bytes += len(body) + len(gzipped or b"")
            self._trim()
        return entry

    def _trim(self) -> None:
        while self._bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body) + len(entry.gzipped or b"")

    def _drop_all(self) -> None:
        self._entries.clear()
        self._bytes = 0


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def _retrieve_exception(task: asyncio.Task[Entry]) -> None:
    """A build's error reaches its readers; with none left, it must not be reported as lost."""
    if not task.cancelled():
        task.exception()


@contextlib.asynccontextmanager
async def following(
    changes: ChangeFeed, redis: Redis | None, database_url: str, redis_url: str = ""
) -> AsyncIterator[Generation]:
    """A generation moved on by every change announced on `changes`, for the block: each
    process that changes data (web server, worker) runs one, so every instance on the same
    database (named by the same DATABASE_URL, as for webapp.relay) hears of it. A process that
    reads it (the web server) names `redis_url`: its GETs get a lean connection of their own
    (webapp/redis_line.py)."""
    line = RedisLine.of(redis_url) if redis is not None and redis_url else None
    generation = Generation(redis, line, channel_for(GENERATION_TOPIC, database_url))
    unsubscribe = changes.subscribe(generation.moved)
    try:
        yield generation
    finally:
        unsubscribe()
        await generation.close()
