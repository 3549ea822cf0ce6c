"""The live board: every appointment change, whatever made it, reaches every connected
manager's WebSocket as `{type: "appointment.created" | "appointment.updated", appointment}`.

The hub listens to the domain's change feed. With Redis each instance also publishes the
message it built to a channel shared by the instances of one database, and pushes what the
other instances publish to its own sockets; its own messages it has already delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from redis.asyncio.client import PubSub

from domain import board
from domain.changes import AppointmentChange, Change
from domain.errors import NotFound
from webapp.api.schemas import LiveQuery
from webapp.auth import STAFF, ForbiddenRole, read_token
from webapp.errors import Handler, error_response
from webapp.keys import SERVICES
from webapp.openapi import documented

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

HEARTBEAT_S = 25.0
SEND_TIMEOUT_S = 5.0
RELAY_RETRY_S = 1.0

# The hub of the app serving the current request. Several apps in one process (tests) share
# the domain's feed; a change made through one app is that app's to deliver and relay, so
# the others hear it over Redis, as separate processes would.
_serving_hub: ContextVar[str | None] = ContextVar("serving_hub", default=None)


def channel_for(database_url: str) -> str:
    """The Redis channel of the instances that share one database."""
    return "live:" + hashlib.sha256(database_url.encode()).hexdigest()[:16]


class LiveHub:
    """The WebSockets of one app instance and their feed."""

    def __init__(self) -> None:
        self.instance_id = uuid.uuid4().hex
        self.sockets: set[web.WebSocketResponse] = set()
        self.channel = ""
        self._redis: Any = None
        self._relay: asyncio.Task[None] | None = None
        # Changes wait here for the announcer task: the request that made a change answers
        # without waiting for its board card to be loaded and sent (bench/README.md).
        self._backlog: asyncio.Queue[AppointmentChange] = asyncio.Queue()
        self._announcer: asyncio.Task[None] | None = None

    async def on_change(self, change: Change) -> None:
        if not isinstance(change, AppointmentChange):
            return
        serving = _serving_hub.get()
        if serving is not None and serving != self.instance_id:
            return
        if not self.sockets and self._redis is None:
            return
        self._backlog.put_nowait(change)

    async def _announce_backlog(self) -> None:
        """Announce the changes in the order they were made."""
        while True:
            change = await self._backlog.get()
            try:
                await self._announce(change)
            except Exception:
                log.exception("live board could not announce %s", change)
            finally:
                self._backlog.task_done()

    async def _announce(self, change: AppointmentChange) -> None:
        try:
            appointment = await board.load(change.appointment_id)
        except NotFound:
            return
        message = {"type": change.kind, "appointment": board.appointment_json(appointment)}
        text = json.dumps(message, ensure_ascii=False)
        await self.broadcast(text)
        if self._redis is not None:
            envelope = json.dumps({"from": self.instance_id, "message": message})
            try:
                await self._redis.publish(self.channel, envelope)
            except Exception as exc:  # Redis down: local managers were told, others catch up
                log.warning("live relay could not publish: %s", exc)

    async def broadcast(self, text: str) -> None:
        if self.sockets:
            await asyncio.gather(*(self._send(ws, text) for ws in list(self.sockets)))

    async def _send(self, ws: web.WebSocketResponse, text: str) -> None:
        try:
            await asyncio.wait_for(ws.send_str(text), SEND_TIMEOUT_S)
        except (ConnectionError, RuntimeError, TimeoutError):
            self.sockets.discard(ws)
            await ws.close(code=WSCloseCode.GOING_AWAY)

    async def _subscribe(self) -> PubSub:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.channel)
        return pubsub

    async def _relay_loop(self, pubsub: PubSub | None) -> None:
        """Push other instances' messages to this instance's sockets; resubscribe on errors."""
        while True:
            try:
                pubsub = pubsub or await self._subscribe()
                async for item in pubsub.listen():
                    envelope = json.loads(item["data"])
                    if envelope.get("from") != self.instance_id:
                        await self.broadcast(json.dumps(envelope["message"], ensure_ascii=False))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live relay lost Redis, retrying: %s", exc)
                await asyncio.sleep(RELAY_RETRY_S)
            if pubsub is not None:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                pubsub = None

    async def close_sockets(self, _app: web.Application | None = None) -> None:
        sockets, self.sockets = list(self.sockets), set()
        for ws in sockets:
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    async def run(self, app: web.Application) -> AsyncIterator[None]:
        """cleanup_ctx: listen to the feed (and Redis) while the app runs."""
        services = app[SERVICES]
        self._redis = services.redis
        self.channel = channel_for(services.settings.database_url)
        unsubscribe = services.changes.subscribe(self.on_change)
        self._announcer = asyncio.create_task(self._announce_backlog())
        if self._redis is not None:
            pubsub = None
            try:
                # Subscribed before the app serves: no change after start-up is missed.
                pubsub = await self._subscribe()
            except Exception as exc:
                log.warning("live relay cannot reach Redis yet: %s", exc)
            self._relay = asyncio.create_task(self._relay_loop(pubsub))
        try:
            yield
        finally:
            unsubscribe()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._backlog.join(), SEND_TIMEOUT_S)
            for task in (self._announcer, self._relay):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await self.close_sockets()


LIVE_HUB = web.AppKey("live_hub", LiveHub)


@web.middleware
async def serving_hub_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    marker = _serving_hub.set(request.config_dict[LIVE_HUB].instance_id)
    try:
        return await handler(request)
    finally:
        _serving_hub.reset(marker)


def _origin_allowed(request: web.Request) -> bool:
    """Browsers send Origin; it must be this server (as reached, or as published)."""
    origin = request.headers.get("Origin")
    if not origin:
        return True
    host = urlsplit(origin).netloc
    public = urlsplit(request.config_dict[SERVICES].settings.base_url).netloc
    return host in {request.host, public}


@routes.get("/api/v1/dashboard/updates")
@documented(
    "WebSocket of the live board (managers): a {type, appointment} message per change; "
    'a {"type": "ready"} message first',
    query=LiveQuery,
    responses={
        101: "switching to WebSocket",
        401: "no or invalid token",
        403: "not a manager, or a foreign Origin",
    },
    tags=("board",),
    secured=True,
)
async def dashboard_updates(request: web.Request) -> web.StreamResponse:
    principal = read_token(request.config_dict[SERVICES].settings, request.query.get("token"))
    if principal.role.value not in STAFF:
        raise ForbiddenRole(f"this endpoint is for: {', '.join(STAFF)}")
    if not _origin_allowed(request):
        raise ForbiddenRole("the Origin of this page is not allowed")
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S)
    if not ws.can_prepare(request).ok:
        return error_response(400, "invalid", "this endpoint speaks WebSocket only")
    await ws.prepare(request)
    hub = request.config_dict[LIVE_HUB]
    hub.sockets.add(ws)
    try:
        await ws.send_json({"type": "ready"})
        async for message in ws:
            if message.type == WSMsgType.TEXT and message.data == "ping":
                await ws.send_str("pong")
    finally:
        hub.sockets.discard(ws)
    return ws


def setup(app: web.Application) -> None:
    """Attach the hub: its routes, its feed subscription and its shutdown."""
    hub = LiveHub()
    app[LIVE_HUB] = hub
    app.middlewares.append(serving_hub_middleware)
    app.cleanup_ctx.append(hub.run)
    app.on_shutdown.append(hub.close_sockets)
    app.add_routes(routes)
