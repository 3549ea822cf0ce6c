"""Messages between the instances that share one database, over a Redis channel: each instance
publishes what happened on it and hears what happened on the others (never its own).

Several apps in one process (tests) share the domain's change feed: a change made while one
app serves a request is that app's to hear and relay, and the others hear it over Redis, as
separate processes would. A change made outside any request (the bot, jobs) is every app's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiohttp import web
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

log = logging.getLogger(__name__)

RETRY_S = 1.0

Receiver = Callable[[Any], Awaitable[None]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

INSTANCE_ID = web.AppKey("instance_id", str)
_serving: ContextVar[str | None] = ContextVar("serving_instance", default=None)


@web.middleware
async def serving_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Mark what the request changes as this instance's."""
    marker = _serving.set(request.config_dict[INSTANCE_ID])
    try:
        return await handler(request)
    finally:
        _serving.reset(marker)


def made_elsewhere(instance_id: str) -> bool:
    """Whether a change announced now was made while another app served a request."""
    serving = _serving.get()
    return serving is not None and serving != instance_id


def setup(app: web.Application) -> None:
    """Give `app` an identity among the instances, and mark its requests' changes."""
    app[INSTANCE_ID] = uuid.uuid4().hex
    app.middlewares.append(serving_middleware)


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
