"""A burst of updates at once is answered in full: the dispatcher takes them a bounded number
at a time instead of exhausting the database and Redis pools."""

from __future__ import annotations

from aiogram import Bot

from sandbox import BotApiEmulator
from tests.harness.bots import TOKEN

BURST = 400


async def test_every_update_of_a_burst_is_answered(
    emulator: BotApiEmulator, running_bot: Bot
) -> None:
    people = range(9_100_000, 9_100_000 + BURST)
    for user_id in people:
        emulator.user(user_id, f"u{user_id}", language_code="en")
    for user_id in people:
        emulator.send_text(TOKEN, user_id, "/start")

    await emulator.wait_for(
        lambda: all(emulator.sent(user_id) for user_id in people),
        timeout=60,
        what="an answer to every /start",
    )
    assert all("share your phone number" in emulator.sent(u)[0]["text"] for u in people)
