"""The outbox sender against the sandbox's Bot API emulator over loopback, with faults:
every message is delivered exactly once or marked undeliverable, waits honoured."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot

from bot.sender import OutboxSender, running_sender
from db.enums import OutboxState
from db.models import Outbox
from domain.messaging import buttons
from sandbox import BotApiEmulator
from services import Signals
from tests.harness.builders import make_client
from tests.harness.outbox import FAST, queue_message, wait_until_settled

pytestmark = pytest.mark.usefixtures("database")


async def test_delivers_each_row_once_with_its_keyboard(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    emulator.user(4001)
    keyboard = {
        "inline_keyboard": [
            [{"text": "✅ Приду", "callback_data": "ap:confirm:17"}],
            [{"text": "🔁 Перенести", "callback_data": "ap:reschedule:17"}],
            [{"text": "❌ Отменить", "callback_data": "ap:cancel:17"}],
        ]
    }
    described = buttons.confirmation_keyboard(17, "ru")
    rows = [await queue_message(4001, f"message {n}") for n in range(3)]
    rows.append(await queue_message(4001, "with buttons", reply_markup=described))

    async with running_sender(bot, signals, rate=100, **FAST):
        sent = await emulator.wait_for_sent(4001, 4)
        await wait_until_settled()
        await asyncio.sleep(0.2)  # a second pass would have sent more by now

    assert [m["text"] for m in emulator.sent(4001)] == [
        "message 0",
        "message 1",
        "message 2",
        "with buttons",
    ]
    assert sent[-1]["reply_markup"] == keyboard
    for row, message in zip(rows, emulator.sent(4001), strict=True):
        await row.refresh_from_db()
        assert row.state == OutboxState.SENT
        assert row.telegram_message_id == message["message_id"]
        assert row.sent_at is not None
        assert row.attempts == 1


async def test_429_waits_retry_after_then_delivers_once(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    emulator.user(4002)
    row = await queue_message(4002, "flood")
    emulator.fail_next("sendMessage", 429, retry_after=1)

    began = time.monotonic()
    async with running_sender(bot, signals, rate=100, **FAST):
        await emulator.wait_for_sent(4002, 1)
        await wait_until_settled()

    attempts = emulator.requests("sendMessage")
    assert [entry["status"] for entry in attempts] == [429, 200]
    assert attempts[1]["time"] - attempts[0]["time"] >= 1.0
    assert time.monotonic() - began >= 1.0
    await row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.SENT, 2)
    assert len(emulator.sent(4002)) == 1


async def test_5xx_is_retried_with_backoff_and_delivered_once(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    emulator.user(4003)
    row = await queue_message(4003, "flaky")
    emulator.fail_next("sendMessage", 502, count=2)

    async with running_sender(bot, signals, rate=100, **FAST):
        await emulator.wait_for_sent(4003, 1)
        await wait_until_settled()

    times = [entry["time"] for entry in emulator.requests("sendMessage")]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.05 and times[2] - times[1] >= 0.1  # backoff doubles
    await row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.SENT, 3)
    assert [m["text"] for m in emulator.sent(4003)] == ["flaky"]


async def test_persistent_5xx_gives_up_and_shows_the_reason(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    emulator.user(4004)
    row = await queue_message(4004, "never")
    emulator.fail_next("sendMessage", 500, count=10)

    async with running_sender(bot, signals, rate=100, max_errors=3, **FAST):
        await wait_until_settled()

    await row.refresh_from_db()
    assert row.state == OutboxState.FAILED
    assert row.attempts == 3
    assert row.last_error.startswith("gave up after 3 errors: TelegramServerError")
    assert emulator.sent(4004) == []


async def test_403_marks_the_client_unreachable_and_stops(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    client = await make_client(telegram_id=4005)
    emulator.user(4005)
    emulator.user(4006)
    emulator.block_bot(4005)
    blocked_rows = [await queue_message(4005, f"to blocked {n}", client=client) for n in range(3)]
    other = await queue_message(4006, "to someone else")

    async with running_sender(bot, signals, rate=100, **FAST):
        await emulator.wait_for_sent(4006, 1)
        await wait_until_settled()

    assert len(emulator.requests("sendMessage")) == 2  # one 403, then no more tries there
    await client.refresh_from_db()
    assert client.blocked_bot
    for row in blocked_rows:
        await row.refresh_from_db()
        assert row.state == OutboxState.FAILED
        assert row.last_error.startswith("the recipient blocked the bot")
    await other.refresh_from_db()
    assert other.state == OutboxState.SENT


async def test_unknown_chat_fails_at_once(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    row = await queue_message(4999, "nobody")

    async with running_sender(bot, signals, rate=100, **FAST):
        await wait_until_settled()

    await row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert "chat not found" in row.last_error


async def test_one_message_a_second_per_chat_and_the_overall_rate(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    for chat in range(4100, 4110):
        emulator.user(chat)
    for n in range(3):
        for chat in range(4100, 4110):
            await queue_message(chat, f"{n}")
    emulator.set_rate_limits(per_chat=1, overall=10)  # the emulator answers 429 beyond these

    began = time.monotonic()
    async with running_sender(bot, signals, rate=10, backoff_s=0.05, poll_s=0.05):
        await wait_until_settled(timeout=15)
    took = time.monotonic() - began

    statuses = [entry["status"] for entry in emulator.requests("sendMessage")]
    assert statuses == [200] * 30  # never hit Telegram's limits
    assert took >= 2.0  # 30 messages at 10 a second
    for chat in range(4100, 4110):
        times = emulator.send_times(chat)
        assert [m["text"] for m in emulator.sent(chat)] == ["0", "1", "2"]
        assert all(
            later - earlier >= 1.0 for earlier, later in zip(times, times[1:], strict=False)
        )


async def test_the_oldest_messages_go_first_across_chats(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    # Two rounds to twelve chats queued in a shuffled chat order: at 10 a second a round takes
    # 1.2 s, so a chat's own second has passed before its next turn, and Telegram receives
    # them in the order they were queued.
    chats = [4317, 4305, 4311, 4300, 4309, 4302, 4314, 4307, 4303, 4316, 4301, 4310]
    for chat in chats:
        emulator.user(chat)
    queued = [(chat, f"{n}:{chat}") for n in range(2) for chat in chats]
    for chat, text in queued:
        await queue_message(chat, text)

    async with running_sender(bot, signals, rate=10, backoff_s=0.05, poll_s=0.05):
        await wait_until_settled(timeout=15)

    received = [
        (entry["params"]["chat_id"], entry["params"]["text"])
        for entry in emulator.requests("sendMessage")
    ]
    assert [(int(chat), text) for chat, text in received] == queued


async def test_a_stopping_sender_gives_back_what_it_did_not_try(
    emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    emulator.user(4200)
    for n in range(5):
        await queue_message(4200, f"{n}")
    sender = OutboxSender(bot, signals, rate=100, per_chat_s=1.0, poll_s=0.05)
    task = asyncio.create_task(sender.run())
    while not await Outbox.filter(chat_id=4200, state=OutboxState.SENT).exists():
        await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    states = await Outbox.filter(chat_id=4200).order_by("id").values_list("state", flat=True)
    assert states[0] == OutboxState.SENT
    assert states[1:] == [OutboxState.PENDING] * 4

    async with running_sender(bot, signals, rate=100, **FAST):
        await emulator.wait_for_sent(4200, 5)
        await wait_until_settled()
    assert [m["text"] for m in emulator.sent(4200)] == ["0", "1", "2", "3", "4"]
