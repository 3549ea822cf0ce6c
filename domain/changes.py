"""Changes, announced after their transaction commits.

Every change, whatever its source (bot, board, legacy API, jobs), goes through the domain, and
the domain announces it here: appointment changes (the live board and the bot listen) and
changes of the data the read caches answer from (slots and holds, psychologists, clients, the
catalogue). A Redis relay carries appointment changes between instances; the read cache keeps
its own generation in Redis (webapp/read_cache.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

ChangeKind = Literal["appointment.created", "appointment.updated"]
DataKind = Literal[
    "slots.changed", "psychologist.updated", "client.updated", "catalogue.updated", "staff.changed"
]


@dataclass(frozen=True, slots=True)
class AppointmentChange:
    kind: ChangeKind
    appointment_id: int


@dataclass(frozen=True, slots=True)
class DataChange:
    """Data behind the read answers changed."""

    kind: DataKind


Change = AppointmentChange | DataChange
Listener = Callable[[Change], Awaitable[None]]


class ChangeFeed:
    """In-process publish/subscribe; a failing listener never fails the change that was made."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def publish(self, change: Change) -> None:
        for listener in list(self._listeners):
            try:
                await listener(change)
            except Exception:
                log.exception("change listener failed for %s", change)


feed = ChangeFeed()


async def data_changed(kind: DataKind) -> None:
    """Announce a committed change of the data the read caches answer from."""
    await feed.publish(DataChange(kind))
