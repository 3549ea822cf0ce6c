"""Outbox sender: 1,000 queued messages to 100 chats sent by the real sender (bot/sender.py)
to the Bot API emulator, which answers 429 beyond 1 message a second per chat, as Telegram
does. Sustained rate against SEND_RATE, and the per-chat spacing held; then the same again by
two senders sharing one Redis (REDIS_URL), whose combined rate must stay within SEND_RATE.

    python -m bench.outbox [--messages 1000] [--chats 100] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import time

from bench.common import REDIS_URL, Row, fresh_database, open_database, print_table
from bot.sender import running_sender
from config import Settings
from domain.messaging import outbox
from domain.timerules import utcnow
from sandbox import BotApiEmulator, run_emulator
from services import Signals, connect_redis

TARGET_SHARE = 0.9
PER_CHAT_MIN_GAP_S = 1.0
CHAT_BASE = 900_000_000
DONE_TIMEOUT_S = 600.0
# The sender (two sharing one Redis: together) sends at most this share of SEND_RATE.
MOST_SHARE = 1.05


async def _queue(messages: int, chats: int, batch: str) -> None:
    now = utcnow()
    for n in range(messages):
        await outbox.enqueue(
            chat_id=CHAT_BASE + n % chats,
            text=f"bench message {n}",
            kind="bench",
            dedup_key=f"bench:{batch}:{n}",
            now=now,
        )


async def _send_all(
    emu: BotApiEmulator, chat_ids: list[int], messages: int, rate: float, redis_urls: list[str]
) -> tuple[float, float]:
    """One real sender per entry of `redis_urls` ("": without Redis), each with its own bot
    session and Redis client, until every message arrived: (msg/s, closest gap in a chat)."""
    sent_before = {c: len(emu.send_times(c)) for c in chat_ids}
    began = time.monotonic()
    async with contextlib.AsyncExitStack() as stack:
        for url in redis_urls:
            bot = emu.make_bot()
            stack.push_async_callback(bot.session.close)
            redis = connect_redis(url) if url else None
            if redis is not None:
                stack.push_async_callback(redis.aclose)
            await stack.enter_async_context(running_sender(bot, Signals(), rate=rate, redis=redis))
        await emu.wait_for(
            lambda: sum(len(emu.sent(c)) - sent_before[c] for c in chat_ids) >= messages,
            DONE_TIMEOUT_S,
            f"{messages} messages sent",
        )
        elapsed = time.monotonic() - began
    gaps = [
        later - earlier
        for c in chat_ids
        for earlier, later in itertools.pairwise(emu.send_times(c)[sent_before[c] :])
    ]
    return messages / elapsed, min(gaps, default=float("inf"))


async def _forget_send_rate(emu: BotApiEmulator) -> None:
    """Drop the emulator bot's shared send-rate keys a previous run left in Redis."""
    bot = emu.make_bot()
    await bot.session.close()
    redis = connect_redis(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(match=f"hraniteli:send:{bot.id}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


def _row(target: str, measured: float, closest: float, rate: float) -> Row:
    share = measured / rate
    return Row(
        target=target,
        measured=f"{measured:.1f} msg/s, min gap {closest:.2f}s",
        reference=f"SEND_RATE {rate:g}/s",
        ratio=share,
        met=TARGET_SHARE <= share <= MOST_SHARE and closest >= PER_CHAT_MIN_GAP_S,
        goal=f">= {TARGET_SHARE}, <= {MOST_SHARE}, per chat >= {PER_CHAT_MIN_GAP_S:g}s",
    )


async def run(quick: bool, *, messages: int = 1000, chats: int = 100) -> list[Row]:
    if quick:
        messages, chats = 100, 50
    rate = Settings().send_rate
    with fresh_database("outbox") as name:
        async with open_database(name), run_emulator() as emu:
            emu.set_rate_limits(per_chat=1, overall=30)
            chat_ids = [CHAT_BASE + c for c in range(chats)]
            for chat_id in chat_ids:
                emu.user(chat_id, "Bench")
            await _queue(messages, chats, "one")
            alone = await _send_all(emu, chat_ids, messages, rate, [""])
            # The same queue again for two senders sharing one Redis: together they must
            # keep SEND_RATE, not send twice as fast (an emulator 429 would show it too).
            await _forget_send_rate(emu)
            await asyncio.sleep(PER_CHAT_MIN_GAP_S)  # the emulator's per-chat window of run one
            await _queue(messages, chats, "two")
            shared = await _send_all(emu, chat_ids, messages, rate, [REDIS_URL, REDIS_URL])
    return [
        _row(f"outbox sender ({messages} msgs / {chats} chats)", *alone, rate),
        _row(f"two senders, one Redis ({messages} msgs / {chats} chats)", *shared, rate),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    args = parser.parse_args()
    print_table(asyncio.run(run(args.quick, messages=args.messages, chats=args.chats)))


if __name__ == "__main__":
    main()
