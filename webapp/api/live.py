"""The live board: every appointment change, whatever made it, reaches every connected
manager's WebSocket as `{type: "appointment.created" | "appointment.updated", appointment}`.

The hub listens to its process's change feed. With Redis each instance also publishes the
message it built to a channel shared by the instances of one database, and pushes what the
other instances publish to its own sockets; its own messages it has already delivered.
A socket lasts as long as its person's access: it closes with 4403 when they stop being staff
(webapp/roles.py tells the hub) and with 4401 when their token runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web

from domain.booking import board
from domain.changes import AppointmentChange, Change
from domain.errors import NotFound
from webapp.api.schemas import AppointmentOut, LiveQuery
from webapp.auth import STAFF, ForbiddenRole, Principal, confirmed_principal
from webapp.errors import error_response
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.relay import INSTANCE_ID, Relay, channel_for
from webapp.roles import ROLE_BOOK, RoleBook

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

HEARTBEAT_S = 25.0
SEND_TIMEOUT_S = 5.0
# Close codes of the application range (4000-4999), after HTTP's: the person lost their
# access; their token ran out (the page signs in again and reconnects).
CLOSE_ACCESS_REVOKED = 4403
CLOSE_TOKEN_EXPIRED = 4401


class LiveHub:
    """The WebSockets of one app instance, whom each speaks for, and their feed."""

    def __init__(self) -> None:
        self.instance_id = ""  # the app's, when it runs
        self.sockets: dict[web.WebSocketResponse, Principal] = {}
        self._relay: Relay | None = None
        # Changes wait here for the announcer task: the request that made a change answers
        # without waiting for its board card to be loaded and sent (bench/README.md).
        self._backlog: asyncio.Queue[AppointmentChange] = asyncio.Queue()
        self._announcer: asyncio.Task[None] | None = None

    async def on_change(self, change: Change) -> None:
        if not isinstance(change, AppointmentChange):
            return
        if not self.sockets and self._relay is None:
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
        card = change.card
        if card is None:
            try:
                card = await board.load(change.appointment_id)
            except NotFound:
                return
        appointment = AppointmentOut.model_validate(card, from_attributes=True)
        message = {"type": change.kind, "appointment": appointment.model_dump(mode="json")}
        await self.broadcast(message)
        if self._relay is not None:
            await self._relay.publish(message)

    async def broadcast(self, message: Any) -> None:
        if self.sockets:
            text = json.dumps(message, ensure_ascii=False)
            await asyncio.gather(*(self._send(ws, text) for ws in list(self.sockets)))

    async def _send(self, ws: web.WebSocketResponse, text: str) -> None:
        try:
            await asyncio.wait_for(ws.send_str(text), SEND_TIMEOUT_S)
        except (ConnectionError, RuntimeError, TimeoutError):
            self.sockets.pop(ws, None)
            await ws.close(code=WSCloseCode.GOING_AWAY)

    async def check_access(self, roles: RoleBook) -> None:
        """Close the sockets of people who are no longer staff (staff changed)."""
        for ws, principal in list(self.sockets.items()):
            if await roles.role(principal.telegram_id) != principal.role:
                self.sockets.pop(ws, None)
                await ws.close(code=CLOSE_ACCESS_REVOKED, message=b"access revoked")

    async def close_sockets(self, _app: web.Application | None = None) -> None:
        sockets, self.sockets = list(self.sockets), {}
        for ws in sockets:
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    async def run(self, app: web.Application) -> AsyncIterator[None]:
        """cleanup_ctx: listen to the feed (and Redis) while the app runs."""
        services = app[SERVICES]
        self.instance_id = app[INSTANCE_ID]
        roles = app[ROLE_BOOK]
        roles.listen(lambda: self.check_access(roles))
        unsubscribe = services.signals.changes.subscribe(self.on_change)
        self._announcer = asyncio.create_task(self._announce_backlog())
        async with contextlib.AsyncExitStack() as stack:
            if services.redis is not None:
                channel = channel_for("live", services.settings.database_url)
                self._relay = Relay(self.instance_id, services.redis, channel, self.broadcast)
                await stack.enter_async_context(self._relay.listening())
            try:
                yield
            finally:
                unsubscribe()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._backlog.join(), SEND_TIMEOUT_S)
                self._announcer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._announcer
        await self.close_sockets()


LIVE_HUB = web.AppKey("live_hub", LiveHub)


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
    principal = await confirmed_principal(request, request.query.get("token"))
    if principal.role.value not in STAFF:
        raise ForbiddenRole(f"this endpoint is for: {', '.join(STAFF)}")
    if not _origin_allowed(request):
        raise ForbiddenRole("the Origin of this page is not allowed")
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S)
    if not ws.can_prepare(request).ok:
        return error_response(400, "invalid", "this endpoint speaks WebSocket only")
    await ws.prepare(request)
    hub = request.config_dict[LIVE_HUB]
    hub.sockets[ws] = principal
    try:
        await ws.send_json({"type": "ready"})
        async with asyncio.timeout(principal.expires_at - time.time()):
            async for message in ws:
                if message.type == WSMsgType.TEXT and message.data == "ping":
                    await ws.send_str("pong")
    except TimeoutError:
        await ws.close(code=CLOSE_TOKEN_EXPIRED, message=b"token expired")
    finally:
        hub.sockets.pop(ws, None)
    return ws


def setup(app: web.Application) -> None:
    """Attach the hub: its routes, its feed subscription and its shutdown."""
    hub = LiveHub()
    app[LIVE_HUB] = hub
    app[SERVICES].metrics.live_sockets.set_function(lambda: len(hub.sockets))
    app.cleanup_ctx.append(hub.run)
    app.on_shutdown.append(hub.close_sockets)
    app.add_routes(routes)
