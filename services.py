"""The shared services of one process, built once by main.py and handed to the bot
(dispatcher workflow data) and the web app (`app[SERVICES]`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram import Bot
from redis.asyncio import Redis

from config import Settings
from domain.changes import ChangeFeed, feed


@dataclass(slots=True)
class Services:
    settings: Settings
    redis: Redis | None = None
    bot: Bot | None = None
    changes: ChangeFeed = field(default_factory=lambda: feed)
