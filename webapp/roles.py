"""The caller's role as the database says it now, not as their token said it when issued.

A panel token names a Telegram user and the role they had. Every request with one is checked
against the role that user has now (`role_of`), remembered for at most ROLE_TTL_S; when staff
change (an admin deactivates a manager, an invite makes someone a manager or a psychologist)
the domain announces "staff.changed", and every instance forgets every remembered role at once:
this one through the change feed, the others through a Redis channel. Listeners (the live
board's sockets) are told, so they can close the sockets of people who lost their role.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from config import Settings
from db.enums import Actor
from domain.changes import Change, DataChange
from domain.people.access import role_of
from webapp.keys import SERVICES
from webapp.relay import INSTANCE_ID, Relay, channel_for

log = logging.getLogger(__name__)

ROLE_TTL_S = 5.0
# Beyond this many remembered people the book starts afresh (a bound, not an eviction policy:
# each entry lives 5 s anyway).
MAX_REMEMBERED = 50_000

Listener = Callable[[], Awaitable[None]]


class RoleBook:
    """Roles of recent callers, by Telegram id; forgotten when staff change anywhere."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._roles: dict[int, tuple[Actor, float]] = {}
        self._reading: dict[int, asyncio.Task[Actor]] = {}  # queries under way
        # Moved on by every forgetting: a role read while staff changed is not remembered.
        self._version = 0
        self._listeners: list[Listener] = []
        self._relay: Relay | None = None

    async def role(self, telegram_id: int) -> Actor:
        """The role of `telegram_id` now (at most ROLE_TTL_S old). Callers who ask together
        share one query (unless staff changed after it was sent)."""
        known = self.remembered(telegram_id)
        if known is not None:
            return known
        reading = self._reading.get(telegram_id)
        if reading is None:
            reading = asyncio.create_task(self._read(telegram_id))
            self._reading[telegram_id] = reading
            reading.add_done_callback(functools.partial(self._read_done, telegram_id))
        return await asyncio.shield(reading)

    async def _read(self, telegram_id: int) -> Actor:
        version, asked_at = self._version, time.monotonic()
        role = await role_of(telegram_id, self._settings.admin_ids)
        if version == self._version:
            if len(self._roles) >= MAX_REMEMBERED:
                self._roles.clear()
            self._roles[telegram_id] = (role, asked_at + ROLE_TTL_S)
        return role

    def _read_done(self, telegram_id: int, reading: asyncio.Task[Actor]) -> None:
        if self._reading.get(telegram_id) is reading:
            del self._reading[telegram_id]
        if not reading.cancelled():
            reading.exception()  # its callers have it; with none left it is not "lost"

    def remembered(self, telegram_id: int) -> Actor | None:
        """The role of `telegram_id` if it was read less than ROLE_TTL_S ago and staff have
        not changed since; None when only the database can tell."""
        known = self._roles.get(telegram_id)
        return known[0] if known is not None and known[1] > time.monotonic() else None

    def listen(self, listener: Listener) -> None:
        """Call `listener` after every forgetting (staff changed here or elsewhere)."""
        self._listeners.append(listener)

    async def _forget(self) -> None:
        self._roles.clear()
        self._reading.clear()  # what they answer may be from before the change
        self._version += 1
        for listener in list(self._listeners):
            try:
                await listener()
            except Exception:
                log.exception("role listener failed")

    async def _on_change(self, change: Change) -> None:
        if not (isinstance(change, DataChange) and change.kind == "staff.changed"):
            return
        await self._forget()
        if self._relay is not None:  # with Redis down the others forget within ROLE_TTL_S
            await self._relay.publish(change.kind)

    async def _heard(self, _message: object) -> None:
        await self._forget()

    async def run(self, app: web.Application) -> AsyncIterator[None]:
        """cleanup_ctx: hear staff changes (and, with Redis, the other instances') while the
        app runs."""
        services = app[SERVICES]
        unsubscribe = services.signals.changes.subscribe(self._on_change)
        try:
            if services.redis is None:
                yield
                return
            channel = channel_for("staff", services.settings.database_url)
            self._relay = Relay(app[INSTANCE_ID], services.redis, channel, self._heard)
            async with self._relay.listening():
                yield
        finally:
            unsubscribe()


ROLE_BOOK = web.AppKey("role_book", RoleBook)


def setup(app: web.Application) -> None:
    """Give `app` its role book; after the Redis client exists (the cleanup order)."""
    app[ROLE_BOOK] = RoleBook(app[SERVICES].settings)
    app.cleanup_ctx.append(app[ROLE_BOOK].run)
