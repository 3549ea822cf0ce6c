"""The delivery side of the Outbox: claiming rows to send, recording what became of them, and
the admin's view of pending and failed deliveries.

A row is `pending` until a sender claims it (`sending`, with a lease); the sender records
`sent` (with Telegram's message id) or `failed` (with the reason). A sender that dies leaves
its rows to be claimed again when the lease runs out. An admin may put a failed row back.

Senders wait on their process's OutboxSignal between claims; the domain wakes the one bound to
the code that queued rows (`bound_to`, as for the change feed in domain/changes.py), and
wakes nobody when none is bound.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Min
from tortoise.transactions import in_transaction

from db.claims import claim
from db.enums import OutboxState
from db.models import Client, Outbox
from domain import audit
from domain.audit import Initiator
from domain.binding import Binding
from domain.changes import data_changed
from domain.errors import Conflict, NotFound
from domain.timerules import utcnow

SEND_LEASE = timedelta(minutes=5)
BLOCKED_REASON = "the recipient blocked the bot"


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """A row a sender has claimed: what to send, to whom, and the claim it holds."""

    id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    parse_mode: str | None
    attempts: int
    claimed_until: datetime | None

    @classmethod
    def of(cls, row: Outbox) -> ClaimedMessage:
        return cls(
            row.id,
            row.chat_id,
            row.text,
            row.reply_markup,
            row.parse_mode,
            row.attempts,
            row.claimed_until,
        )


class OutboxSignal:
    """Wakes waiting senders when rows were queued in this process (no polling delay)."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Event] = set()

    def announce(self) -> None:
        for waiter in self._waiters:
            waiter.set()

    async def wait(self, timeout: float) -> None:
        """Return on the next announcement, or after `timeout` seconds."""
        waiter = asyncio.Event()
        self._waiters.add(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter.wait()
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)


_signal: Binding[OutboxSignal] = Binding("outbox_signal")


def bound_to(signal: OutboxSignal) -> contextlib.AbstractContextManager[OutboxSignal]:
    """Wake the senders waiting on `signal` when the block (or a task it starts) queues rows."""
    return _signal.bound_to(signal)


def rows_queued() -> None:
    """Rows were queued (and committed): wake the senders of the signal bound to the caller."""
    signal = _signal.get()
    if signal is not None:
        signal.announce()


def claimable_rows(now: datetime) -> Q:
    return Q(state=OutboxState.PENDING, not_before__lte=now) | Q(
        state=OutboxState.SENDING, claimed_until__lte=now
    )


async def claim_rows(
    limit: int,
    *,
    skip_chats: Iterable[int] = (),
    per_chat: int | None = None,
    now: datetime | None = None,
) -> list[ClaimedMessage]:
    """Take up to `limit` rows that are due, oldest first, at most `per_chat` per chat,
    leaving out the chats in `skip_chats` (the sender is still busy with them)."""
    now = now or utcnow()
    claimable = claimable_rows(now)
    skipped = list(skip_chats)
    if skipped:
        claimable &= ~Q(chat_id__in=skipped)
    ids = await claim(
        Outbox,
        claimable,
        order_by=("not_before", "id"),
        running=OutboxState.SENDING,
        lease_until=now + SEND_LEASE,
        limit=limit,
        per_group=("chat_id", per_chat) if per_chat else None,
    )
    if not ids:
        return []
    rows = await Outbox.filter(id__in=ids).order_by("not_before", "id")
    return [ClaimedMessage.of(row) for row in rows]


def _owned(row: ClaimedMessage) -> Q:
    """Still this sender's claim (an admin or a lease expiry has not taken it over)."""
    return Q(id=row.id, state=OutboxState.SENDING, claimed_until=row.claimed_until)


async def mark_sent(
    row: ClaimedMessage, message_id: int, attempts: int, *, now: datetime | None = None
) -> None:
    await Outbox.filter(id=row.id, state=OutboxState.SENDING).update(
        state=OutboxState.SENT,
        sent_at=now or utcnow(),
        telegram_message_id=message_id,
        attempts=attempts,
        claimed_until=None,
        last_error="",
    )


async def release(rows: Iterable[ClaimedMessage]) -> None:
    """Give claimed rows that were never tried back to the queue (a sender stopping)."""
    for row in rows:
        await Outbox.filter(_owned(row)).update(state=OutboxState.PENDING, claimed_until=None)


async def note_error(row: ClaimedMessage, error: str, attempts: int) -> None:
    """A failed try that will be tried again: keep the reason for the board."""
    await Outbox.filter(_owned(row)).update(attempts=attempts, last_error=error[:300])


async def mark_failed(row: ClaimedMessage, error: str, attempts: int) -> None:
    """Give up on the row: it stays `failed` with the reason until an admin retries it."""
    await Outbox.filter(id=row.id, state=OutboxState.SENDING).update(
        state=OutboxState.FAILED, attempts=attempts, last_error=error[:300], claimed_until=None
    )


async def mark_unreachable(row: ClaimedMessage, error: str, attempts: int) -> int:
    """The recipient blocked the bot: the row fails, the client is marked unreachable, and
    the chat's other waiting rows, claimed or not, fail too (trying them would only repeat
    the 403).
    Answers how many rows failed."""
    reason = f"{BLOCKED_REASON}: {error}"[:300]
    async with in_transaction():
        await mark_failed(row, reason, attempts)
        await Client.filter(telegram_id=row.chat_id).update(blocked_bot=True)
        others = await Outbox.filter(
            chat_id=row.chat_id, state__in=[OutboxState.PENDING, OutboxState.SENDING]
        ).update(state=OutboxState.FAILED, last_error=reason, claimed_until=None)
    await data_changed("client.updated")
    return 1 + others


@dataclass(frozen=True, slots=True)
class Backlog:
    """The rows due and not yet sent, and when the oldest of them fell due."""

    count: int
    oldest: datetime | None


async def backlog(now: datetime) -> Backlog:
    """What waits to go out now (pending or being sent, due by `now`), in one query."""
    found = (
        await Outbox.filter(
            state__in=[OutboxState.PENDING, OutboxState.SENDING], not_before__lte=now
        )
        .annotate(n=Count("id"), oldest=Min("not_before"))
        .first()
        .values("n", "oldest")
    )
    return Backlog(found["n"] if found else 0, found["oldest"] if found else None)


async def deliveries(
    state: OutboxState | None = None, *, limit: int = 100, before_id: int | None = None
) -> list[Outbox]:
    """Rows for the admin, newest first (`before_id` pages on)."""
    query = Outbox.all()
    if state is not None:
        query = query.filter(state=state)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit)


async def counts() -> dict[str, int]:
    """How many rows are in each state."""
    found = {state.value: 0 for state in OutboxState}
    rows = await Outbox.annotate(n=Count("id")).group_by("state").values("state", "n")
    found.update({str(row["state"]): row["n"] for row in rows})
    return found


async def retry(row_id: int, initiator: Initiator, *, now: datetime | None = None) -> Outbox:
    """Put a failed row back in the queue. A client marked unreachable becomes reachable
    again: the admin vouches that the person unblocked the bot."""
    now = now or utcnow()
    async with in_transaction():
        row = await Outbox.filter(id=row_id).select_for_update().first()
        if row is None:
            raise NotFound("delivery not found", field="row_id")
        if row.state != OutboxState.FAILED:
            raise Conflict(
                f"only a failed delivery can be retried; this one is {row.state.value}",
                field="row_id",
                state=row.state.value,
            )
        row.state, row.not_before, row.attempts = OutboxState.PENDING, now, 0
        row.claimed_until = None
        await row.save(update_fields=["state", "not_before", "attempts", "claimed_until"])
        if row.client_id is not None:
            await Client.filter(id=row.client_id).update(blocked_bot=False)
        await audit.record(initiator, "delivery.retried", "outbox", row.id)
    rows_queued()
    if row.client_id is not None:
        await data_changed("client.updated")
    return row
