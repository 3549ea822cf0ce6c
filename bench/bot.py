"""Bot throughput: updates a second through the real dispatcher (long polling the Bot API
emulator, PostgreSQL + Redis FSM storage) divided by a bare aiogram echo bot's on the same
emulator. Each update is /start from a new user, answered by one message.

    python -m bench.bot [--updates 2000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message
from redis.asyncio import Redis

from bench.common import REDIS_URL, Row, fresh_database, open_database, print_table
from bot.dispatcher import build_dispatcher
from bot.runtime import run_bot
from config import load_settings
from sandbox import SANDBOX_TOKEN, BotApiEmulator, run_emulator
from services import Services

TARGET_RATIO = 0.4
ANSWER_TIMEOUT_S = 60.0
# Updates waiting for an answer at once. An unbounded burst of 2,000 fails updates with
# redis MaxConnectionsError in the product (bench/README.md).
IN_FLIGHT = 100


def echo_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


@contextlib.asynccontextmanager
async def polling(bot: Bot, dispatcher: Dispatcher) -> AsyncIterator[None]:
    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    try:
        yield
    finally:
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def updates_per_second(emu: BotApiEmulator, count: int) -> float:
    """/start from `count` new users, at most IN_FLIGHT unanswered at a time (a closed loop,
    like wrk's connections); the rate until each has an answer."""
    first = random.randrange(10**9, 2 * 10**9 - count)
    users = list(range(first, first + count))
    for user_id in users:
        emu.user(user_id, "Bench", phone=f"+7916{user_id % 10_000_000:07d}")
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(user_id: int) -> None:
        async with gate:
            emu.send_text(SANDBOX_TOKEN, user_id, "/start")
            await emu.wait_for_sent(user_id, 1, timeout=ANSWER_TIMEOUT_S)

    began = time.monotonic()
    await asyncio.gather(*(one(user_id) for user_id in users))
    return count / (time.monotonic() - began)


async def echo_rate(count: int) -> float:
    async with run_emulator() as emu:
        bot = emu.make_bot()
        try:
            dispatcher = echo_dispatcher()
            async with polling(bot, dispatcher):
                await emu.wait_for(lambda: emu.long_polling(SANDBOX_TOKEN), what="polling")
                return await updates_per_second(emu, count)
        finally:
            await bot.session.close()


async def product_rate(count: int) -> float:
    with fresh_database("bot") as name, tempfile.TemporaryDirectory() as data_dir:
        async with open_database(name) as url, run_emulator() as emu:
            settings = load_settings(
                database_url=url, redis_url=REDIS_URL, data_dir=Path(data_dir)
            )
            services = Services(settings=settings)
            if REDIS_URL:
                services.redis = Redis.from_url(REDIS_URL)
            services.bot = emu.make_bot()
            try:
                async with run_bot(services, build_dispatcher(services)):
                    await emu.wait_for(lambda: emu.long_polling(SANDBOX_TOKEN), what="polling")
                    return await updates_per_second(emu, count)
            finally:
                await services.bot.session.close()
                if services.redis is not None:
                    await services.redis.aclose()


async def run(quick: bool, *, updates: int = 2000) -> list[Row]:
    if quick:
        updates = 50
    measured = await product_rate(updates)
    reference = await echo_rate(updates)
    ratio = measured / reference
    return [
        Row(
            target=f"bot: /start updates ({updates})",
            measured=f"{measured:.0f} updates/s",
            reference=f"{reference:.0f}/s echo bot",
            ratio=ratio,
            met=ratio >= TARGET_RATIO,
            goal=f">= {TARGET_RATIO}",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    args = parser.parse_args()
    print_table(asyncio.run(run(args.quick, updates=args.updates)))


if __name__ == "__main__":
    main()
