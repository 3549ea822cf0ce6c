"""Two runners (event runner + outbox sender each, with their own bot session) share one
queue: 500 due events become 500 deliveries, none doubled, none lost, even when one runner is
killed mid-batch. On PostgreSQL the two claim concurrently with SKIP LOCKED. Each runner is a
process of its own: its sender has signals of its own."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from aiogram import Bot

from bot.sender import running_sender
from db.enums import AppointmentStatus, EventKind, EventState, OutboxState
from db.models import Appointment, Client, Outbox, ScheduledEvent
from domain.followup.events import run_due_events
from domain.timerules import utcnow
from sandbox import BotApiEmulator
from services import Signals
from tests.harness.builders import make_psychologist

pytestmark = pytest.mark.usefixtures("database")

EVENTS = 500
FIRST_CHAT = 700_000
LEASE = timedelta(seconds=3)


async def due_confirmations(emulator: BotApiEmulator, count: int) -> None:
    """`count` unconfirmed appointments tomorrow whose confirmation request is due now."""
    psychologist = await make_psychologist()
    now = utcnow()
    await Client.bulk_create(
        [Client(telegram_id=FIRST_CHAT + n, name=f"Клиент {n}") for n in range(count)]
    )
    clients = await Client.filter(telegram_id__gte=FIRST_CHAT).order_by("telegram_id")
    await Appointment.bulk_create(
        [
            Appointment(
                client_id=client.id,
                psychologist_id=psychologist.id,
                starts_at=now + timedelta(hours=20, minutes=n),
                status=AppointmentStatus.NEW,
            )
            for n, client in enumerate(clients)
        ]
    )
    await ScheduledEvent.bulk_create(
        [
            ScheduledEvent(
                appointment_id=appointment_id,
                kind=EventKind.CONFIRM_REQUEST,
                due_at=now - timedelta(minutes=1),
            )
            for appointment_id in await Appointment.all().values_list("id", flat=True)
        ]
    )
    for client in clients:
        emulator.user(client.telegram_id)


async def run_events_until_idle(batch: int) -> None:
    while await run_due_events(limit=batch, lease=LEASE):
        await asyncio.sleep(0)


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def assert_each_chat_got_exactly_one(emulator: BotApiEmulator) -> None:
    per_chat = [len(emulator.sent(FIRST_CHAT + n)) for n in range(EVENTS)]
    assert per_chat == [1] * EVENTS
    sends = [e for e in emulator.requests("sendMessage") if e["status"] == 200]
    assert len(sends) == EVENTS


async def done_at_least(count: int) -> bool:
    return await ScheduledEvent.filter(state=EventState.DONE).count() >= count


async def all_delivered() -> bool:
    return await Outbox.filter(state=OutboxState.SENT).count() == EVENTS


async def test_two_runners_deliver_500_events_exactly_once(emulator: BotApiEmulator) -> None:
    await due_confirmations(emulator, EVENTS)
    bots: list[Bot] = [emulator.make_bot(), emulator.make_bot()]
    try:
        async with (
            running_sender(bots[0], Signals(), rate=400, poll_s=0.05),
            running_sender(bots[1], Signals(), rate=400, poll_s=0.05),
        ):
            await asyncio.gather(run_events_until_idle(20), run_events_until_idle(20))
            await wait_for(all_delivered)
    finally:
        for bot in bots:
            await bot.session.close()

    assert await ScheduledEvent.filter(state=EventState.DONE).count() == EVENTS
    assert await Outbox.all().count() == EVENTS
    assert_each_chat_got_exactly_one(emulator)


async def test_a_runner_killed_mid_batch_loses_nothing(emulator: BotApiEmulator) -> None:
    await due_confirmations(emulator, EVENTS)
    bots: list[Bot] = [emulator.make_bot(), emulator.make_bot()]
    try:
        async with running_sender(bots[0], Signals(), rate=400, poll_s=0.05):
            # one batch claims every event, so the kill surely lands in the middle of it
            claimed_from = utcnow()
            doomed = asyncio.create_task(run_due_events(limit=EVENTS, lease=LEASE))
            await wait_for(lambda: done_at_least(50))
            doomed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await doomed
            # the killed runner's claims are nobody's until their lease runs out (asked as of
            # the claim's start: a loaded machine may take longer than the lease to get here) ...
            stranded = await ScheduledEvent.filter(state=EventState.RUNNING).count()
            assert 0 < stranded < EVENTS
            assert not await run_due_events(now=claimed_from, limit=100, lease=LEASE)
            # ... then a restarted runner finishes them
            await asyncio.sleep(LEASE.total_seconds())
            await run_events_until_idle(100)
        # a second sender instance takes over the queue
        async with running_sender(bots[1], Signals(), rate=400, poll_s=0.05):
            await wait_for(all_delivered)
    finally:
        for bot in bots:
            await bot.session.close()

    assert await ScheduledEvent.filter(state=EventState.DONE).count() == EVENTS
    assert_each_chat_got_exactly_one(emulator)
