"""Changes, announced after their transaction commits.

Every change, whatever its source (bot, board, legacy API, jobs), goes through the domain, and
the domain announces it here: appointment changes (the live board, the scheduler and the
outbox sender listen) and changes of the data the read caches answer from (slots and holds,
psychologists, clients, the catalogue, staff). A Redis relay carries appointment changes
between instances; the read cache keeps its own generation in Redis (webapp/read_cache.py).

The domain holds no feed of its own: a change reaches the feed bound to the code that made it.
Each adapter binds its process's feed (services.Signals) for what it runs: a web request, a
bot update, a job or the sender's work:

    with changes.bound_to(feed):
        ...                     # the domain's announcements in here reach `feed`'s listeners

With nothing bound an announcement reaches no listener (a script, a test of the domain alone).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.binding import Binding

log = logging.getLogger(__name__)

ChangeKind = Literal["appointment.created", "appointment.updated"]
DataKind = Literal[
    "slots.changed", "psychologist.updated", "client.updated", "catalogue.updated", "staff.changed"
]


@dataclass(frozen=True, slots=True)
class AppointmentChange:
    kind: ChangeKind
    appointment_id: int
    # The appointment's board card (domain.booking.board.AppointmentCard) as the change left
    # it, when the change has it at hand: a listener that shows it need not read it back. It is
    # not part of what the change is (equal changes may carry it or not).
    card: Any = field(default=None, compare=False)


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


_feed: Binding[ChangeFeed] = Binding("change_feed")


def bound_to(feed: ChangeFeed) -> contextlib.AbstractContextManager[ChangeFeed]:
    """Announce the changes made in the block (and in tasks it starts) on `feed`."""
    return _feed.bound_to(feed)


async def publish(change: Change) -> None:
    """Announce a committed change on the feed bound to the caller, if any."""
    feed = _feed.get()
    if feed is not None:
        await feed.publish(change)


async def appointment_changed(kind: ChangeKind, appointment_id: int, card: Any = None) -> None:
    """Announce a committed change of an appointment (with its card, when at hand)."""
    await publish(AppointmentChange(kind, appointment_id, card))


async def data_changed(kind: DataKind) -> None:
    """Announce a committed change of the data the read caches answer from."""
    await publish(DataChange(kind))
