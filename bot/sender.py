"""The outbox sender: delivers queued Outbox rows through the bot, each at most once by claim.

Pacing: at most `rate` messages a second overall and one a second per chat (Telegram's limits),
for the bot as a whole across the processes sharing a Redis when one is given (bot/pacing.py);
a 429 pauses every send for its `retry_after`. 5xx answers and network errors are retried with
an exponential backoff up to `max_errors`; a 403 (the person blocked the bot) marks the client
unreachable and fails the row and the rest of that chat's queue; other 4xx answers fail the row
at once. Every outcome is stored on the row (`sent_at` and `telegram_message_id`, or
`last_error`), where the admin's deliveries view shows it.

The sender waits on its process's outbox signal between claims, and takes a committed
appointment change on the process's change feed as a sign that rows were queued; what it
records is announced on the same signals (services.Signals).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import AsyncIterator

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardMarkup, Message
from redis.asyncio import Redis

import db
from bot.keyboards.outbox import UnreadableKeyboard, outbox_keyboard
from bot.pacing import PER_CHAT_INTERVAL_S, SendPacer, SharedPacer
from bot.responses import keep_response_types
from domain.changes import AppointmentChange, Change
from domain.messaging import delivery
from domain.messaging.delivery import ClaimedMessage
from metrics import Metrics
from services import Signals

log = logging.getLogger(__name__)

MAX_ERRORS = 5
MAX_FLOOD_WAITS = 20
BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
POLL_S = 1.0
# A message that went out is recorded as sent however long the database takes to come back
# (its claim would otherwise run out and the message go out again): asked this often.
RECORD_RETRY_S = 1.0
# On stop, a request already on its way gets this long to come back and be recorded.
STOP_GRACE_S = 2.0
# Seconds of sending the sender claims ahead, and rows per chat in one claim: a chat takes
# a message a second, so more of its rows would only be held from the chats that could go.
LOOKAHEAD_S = 4
ROWS_PER_CHAT = 1

# Answers that will not change by asking again.
_PERMANENT = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge, TelegramMigrateToChat)
# aiogram reads every answer of sendMessage as Response[Message]. pydantic keeps a class made
# of a generic only while something holds it: without this one, each send built it anew, the
# biggest share of a send's work (bench/booking_http.py's profile).
SEND_ANSWER = Response[Message]


class OutboxSender:
    """Claims due rows and sends them, one task per busy chat (messages to one chat keep
    their order); `run()` until cancelled."""

    def __init__(
        self,
        bot: Bot,
        signals: Signals,
        *,
        rate: float,
        redis: Redis | None = None,
        per_chat_s: float = PER_CHAT_INTERVAL_S,
        max_errors: int = MAX_ERRORS,
        backoff_s: float = BACKOFF_S,
        poll_s: float = POLL_S,
        metrics: Metrics | None = None,
    ) -> None:
        self._bot = bot
        self._signals = signals
        self._sends = (metrics or Metrics()).messages  # counted by result, where seen
        self._pacer = (
            SendPacer(rate, per_chat_s)
            if redis is None
            else SharedPacer(redis, bot.id, rate, per_chat_s)
        )
        self._max_errors = max_errors
        self._backoff_s = backoff_s
        self._poll_s = poll_s
        self._capacity = max(10, math.ceil(rate * LOOKAHEAD_S))
        self._queues: dict[int, deque[ClaimedMessage]] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._queued = 0
        self._current: dict[int, ClaimedMessage] = {}  # chat -> the row being delivered
        self._on_the_wire: set[int] = set()  # rows whose request may have reached Telegram
        self._stopping = False
        self._unsent: list[ClaimedMessage] = []  # claimed, never sent, to give back on stop
        self._claiming: asyncio.Task[list[ClaimedMessage]] | None = None

    async def run(self) -> None:
        # Bound for the whole run, the chats' tasks (started inside) included: a blocked
        # recipient is announced to the process's read caches.
        with self._signals.bound() as signals:
            unsubscribe = signals.changes.subscribe(self._on_change)
            try:
                while True:
                    if not await self._claim_more():
                        await signals.outbox.wait(self._poll_s)
            finally:
                unsubscribe()
                await self._stop_chats()

    async def _on_change(self, change: Change) -> None:
        # A committed appointment change usually queued messages: look now, not at the poll.
        if isinstance(change, AppointmentChange):
            self._signals.outbox.announce()

    async def _claim_more(self) -> bool:
        room = self._capacity - self._queued
        if room <= 0:
            return False
        # A claim is never cut short: stopping mid-claim would strand rows it has taken.
        self._claiming = asyncio.create_task(
            delivery.claim_rows(room, skip_chats=list(self._queues), per_chat=ROWS_PER_CHAT)
        )
        try:
            rows = await asyncio.shield(self._claiming)
        except Exception:
            self._claiming = None
            log.exception("claiming outbox rows failed; trying again shortly")
            return False
        self._claiming = None
        for row in rows:
            self._queues.setdefault(row.chat_id, deque()).append(row)
            self._queued += 1
            if row.chat_id not in self._tasks:
                self._tasks[row.chat_id] = asyncio.create_task(self._drain_chat(row.chat_id))
        return len(rows) == room

    async def _drain_chat(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue and not self._stopping:
                row = self._current[chat_id] = queue.popleft()
                self._queued -= 1
                try:
                    blocked = await self._deliver(row)
                except Exception:
                    # The database failed us: the row keeps its claim and is sent again once
                    # the lease runs out (at most one message twice, the one in flight).
                    log.exception("recording the delivery of outbox row %s failed", row.id)
                    continue
                if blocked:
                    self._queued -= len(queue)
                    queue.clear()  # mark_unreachable failed them in the database too
        finally:
            current = self._current.pop(chat_id, None)
            if self._stopping:
                self._unsent.extend(queue)
                if current is not None and current.id not in self._on_the_wire:
                    self._unsent.append(current)
            del self._queues[chat_id]
            del self._tasks[chat_id]
            self._signals.outbox.announce()

    async def _deliver(self, row: ClaimedMessage) -> bool:
        """Send one row until it is sent or given up; True when the recipient blocked us."""
        try:
            markup = outbox_keyboard(row.reply_markup)
        except UnreadableKeyboard as exc:
            await delivery.mark_failed(row, f"invalid keyboard: {exc}", 0)
            return False
        attempts, errors, flood_waits = row.attempts, 0, 0
        while True:
            await self._pacer.wait_turn(row.chat_id)
            attempts += 1
            self._on_the_wire.add(row.id)
            try:
                message = await self._send(row, markup)
            except TelegramRetryAfter as exc:
                self._on_the_wire.discard(row.id)
                self._sends.labels("429").inc()
                flood_waits += 1
                self._pacer.pause(exc.retry_after)
                if flood_waits >= MAX_FLOOD_WAITS:
                    await delivery.mark_failed(row, f"flood control: {exc.message}", attempts)
                    return False
                await delivery.note_error(row, f"429, waiting {exc.retry_after} s", attempts)
                if self._stopping:
                    return False
                continue
            except TelegramForbiddenError as exc:
                self._on_the_wire.discard(row.id)
                self._sends.labels("403").inc()
                failed = await delivery.mark_unreachable(row, exc.message, attempts)
                log.info("chat %s blocked the bot; %d message(s) failed", row.chat_id, failed)
                return True
            except _PERMANENT as exc:
                self._on_the_wire.discard(row.id)
                self._sends.labels("refused").inc()
                await delivery.mark_failed(row, f"refused: {exc.message}", attempts)
                return False
            except AiogramError as exc:  # 5xx, network errors, undecodable answers
                self._on_the_wire.discard(row.id)
                self._sends.labels("error").inc()
                errors += 1
                reason = f"{type(exc).__name__}: {exc}"
                if errors >= self._max_errors:
                    await delivery.mark_failed(
                        row, f"gave up after {errors} errors: {reason}", attempts
                    )
                    return False
                await delivery.note_error(row, reason, attempts)
                if self._stopping:
                    return False
                await asyncio.sleep(min(self._backoff_s * 2 ** (errors - 1), MAX_BACKOFF_S))
                continue
            self._sends.labels("ok").inc()
            # Off the wire only once recorded: a stop in between must not hand it back.
            await self._record_sent(row, message.message_id, attempts)
            self._on_the_wire.discard(row.id)
            return False

    async def _send(self, row: ClaimedMessage, markup: InlineKeyboardMarkup | None) -> Message:
        """One request in the chat's turn; the pacer hears when it came back, whatever the
        answer: the chat's next turn counts from then."""
        try:
            return await self._bot.send_message(
                row.chat_id, row.text, reply_markup=markup, parse_mode=row.parse_mode
            )
        finally:
            await self._pacer.done(row.chat_id)

    async def _record_sent(self, row: ClaimedMessage, message_id: int, attempts: int) -> None:
        """Record a delivered message, waiting out a database outage: given up, the row's
        claim would run out and the person get the message twice."""
        while True:
            try:
                await delivery.mark_sent(row, message_id, attempts)
            except Exception as exc:
                if self._stopping or not db.unreachable(exc):
                    raise
                log.warning(
                    "recording the delivery of outbox row %s failed, retrying: %s: %s",
                    row.id,
                    type(exc).__name__,
                    exc,
                )
                await asyncio.sleep(RECORD_RETRY_S)
            else:
                return

    async def _stop_chats(self) -> None:
        # Requests on the wire get a moment to come back and be recorded; everything else
        # stops now. Rows claimed but not sent go back to the queue at once; a row whose
        # request may have reached Telegram keeps its claim until the lease runs out.
        self._stopping = True
        if self._claiming is not None:
            with contextlib.suppress(Exception):
                self._unsent.extend(await self._claiming)
        on_the_wire = {chat for chat, row in self._current.items() if row.id in self._on_the_wire}
        for chat, task in self._tasks.items():
            if chat not in on_the_wire:
                task.cancel()
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_GRACE_S)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        waiting, self._unsent = self._unsent, []
        if waiting:
            with contextlib.suppress(Exception):
                await delivery.release(waiting)


@contextlib.asynccontextmanager
async def running_sender(
    bot: Bot,
    signals: Signals,
    *,
    rate: float,
    redis: Redis | None = None,
    metrics: Metrics | None = None,
    **options: float,
) -> AsyncIterator[OutboxSender]:
    """Run an OutboxSender on the process's `signals` for the `async with` block; with
    `redis`, its rate limits are shared with every sender of the bot on that Redis."""
    keep_response_types()
    sender = OutboxSender(bot, signals, rate=rate, redis=redis, metrics=metrics, **options)
    task = asyncio.create_task(sender.run(), name="outbox-sender")
    try:
        yield sender
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
