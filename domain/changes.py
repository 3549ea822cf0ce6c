"""Appointment changes, announced after their transaction commits.

Every change, whatever its source (bot, board, legacy API, jobs), goes through the domain, and
the domain announces it here; the live board and the caches listen. A Redis relay subscribes
to carry changes between instances.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

ChangeKind = Literal["appointment.created", "appointment.updated"]


@dataclass(frozen=True, slots=True)
class AppointmentChange:
    kind: ChangeKind
    appointment_id: int


Listener = Callable[[AppointmentChange], Awaitable[None]]


class ChangeFeed:
    """In-process publish/subscribe; a failing listener never fails the change that was made."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def publish(self, change: AppointmentChange) -> None:
        for listener in list(self._listeners):
            try:
                await listener(change)
            except Exception:
                log.exception("change listener failed for %s", change)


feed = ChangeFeed()
