"""Messages between the instances that share one database, over a Redis channel: each instance
publishes what happened on it and hears what happened on the others (never its own).

An instance hears its own changes on its process's change feed (services.Signals); several
apps in one process (tests) each with a container of their own hear each other only here, as
separate processes do.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

RETRY_S = 1.0

Receiver = Callable[[Any], Awaitable[None]]

INSTANCE_ID = web.AppKey("instance_id", str)


def setup(app: web.Application) -> None:
    """Give `app` an identity among the instances (its messages are not sent back to it)."""
    app[INSTANCE_ID] = uuid.uuid4().hex


def channel_for(topic: str, database_url: str) -> str:
    """The Redis channel of `topic` for the instances that share one database."""
    return f"{topic}:" + hashlib.sha256(database_url.encode()).hexdigest()[:16]


class Relay:
    """One topic's channel, as one instance sees it."""

    def __init__(self, instance_id: str, redis: Redis, channel: str, receive: Receiver) -> None:
        self.instance_id = instance_id
        self._redis = redis
        self._channel = channel
        self._receive = receive

    async def publish(self, message: Any) -> None:
        """Tell the other instances; with Redis down they are not told (logged)."""
        envelope = json.dumps({"from": self.instance_id, "message": message}, ensure_ascii=False)
        try:
            await self._redis.publish(self._channel, envelope)
        except Exception as exc:
            log.warning("%s: could not publish: %s", self._channel, exc)

    async def _subscribe(self) -> PubSub:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._channel)
        return pubsub

    async def _listen(self, pubsub: PubSub | None) -> None:
        """Hand the other instances' messages to the receiver; resubscribe on errors."""
        while True:
            try:
                pubsub = pubsub or await self._subscribe()
                async for item in pubsub.listen():
                    envelope = json.loads(item["data"])
                    if envelope.get("from") != self.instance_id:
                        await self._receive(envelope["message"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s: lost Redis, retrying: %s", self._channel, exc)
                await asyncio.sleep(RETRY_S)
            if pubsub is not None:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                pubsub = None

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        """Hear the other instances for the block. Subscribed before the block starts, when
        Redis answers: nothing published after start-up is missed."""
        pubsub = None
        try:
            pubsub = await self._subscribe()
        except Exception as exc:
            log.warning("%s: cannot reach Redis yet: %s", self._channel, exc)
        task = asyncio.create_task(self._listen(pubsub))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
