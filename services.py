"""The shared services of one process, built once by main.py and handed to the bot
(dispatcher workflow data) and the web app (`app[SERVICES]`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram import Bot
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from config import Settings
from domain.changes import ChangeFeed, feed


def connect_redis(url: str) -> Redis:
    """The process's Redis client. A command that fails on a broken connection is tried once
    more on a new one: after a Redis restart the pool still holds connections the server
    closed, and without it each would fail one request (and /healthz say Redis is down when it
    is up). While Redis is down the retry is refused at once too, so callers learn of the
    outage without delay; a timeout is not repeated."""
    return Redis.from_url(
        url, retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
    )


@dataclass(slots=True)
class Services:
    settings: Settings
    redis: Redis | None = None
    bot: Bot | None = None
    changes: ChangeFeed = field(default_factory=lambda: feed)
