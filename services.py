"""The shared services of one process, built once by main.py and handed to the bot
(dispatcher workflow data), the web app (`app[SERVICES]`), the scheduler and the outbox sender.

One process, one container: whatever runs in the process (web requests, bot updates, cron
jobs, due events, the sender) announces on the same Signals, so every listener in the process
hears every change made in it; other processes hear of them through Redis.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from aiogram import Bot
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from config import Settings
from domain import changes
from domain.changes import ChangeFeed
from domain.messaging import delivery
from domain.messaging.delivery import OutboxSignal
from metrics import Metrics


def connect_redis(url: str) -> Redis:
    """The process's Redis client. A command that fails on a broken connection is tried once
    more on a new one: after a Redis restart the pool still holds connections the server
    closed, and without it each would fail one request (and /healthz say Redis is down when it
    is up). While Redis is down the retry is refused at once too, so callers learn of the
    outage without delay; a timeout is not repeated."""
    return Redis.from_url(
        url, retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
    )


@dataclass(frozen=True, slots=True)
class Signals:
    """The process's in-memory announcements: committed changes (the live board, the read
    cache, the role book, the scheduler and the sender listen) and queued messages (the
    sender waits for them)."""

    changes: ChangeFeed = field(default_factory=ChangeFeed)
    outbox: OutboxSignal = field(default_factory=OutboxSignal)

    @contextlib.contextmanager
    def bound(self) -> Iterator[Signals]:
        """What the domain announces in the block (and in tasks it starts) goes to these.
        Each adapter binds them around what it runs: a request, an update, a job."""
        with changes.bound_to(self.changes), delivery.bound_to(self.outbox):
            yield self


@dataclass(slots=True)
class Services:
    settings: Settings
    redis: Redis | None = None
    bot: Bot | None = None
    signals: Signals = field(default_factory=Signals)
    metrics: Metrics = field(default_factory=Metrics)
