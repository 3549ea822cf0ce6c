"""Outbox sender: 1,000 queued messages to 100 chats sent by the real sender (bot/sender.py)
to the Bot API emulator, which answers 429 beyond 1 message a second per chat, as Telegram
does. Sustained rate against SEND_RATE, and the per-chat spacing held.

    python -m bench.outbox [--messages 1000] [--chats 100] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bench.common import Row, fresh_database, open_database, print_table
from bot.sender import running_sender
from config import Settings
from domain.messaging import outbox
from domain.timerules import utcnow
from sandbox import run_emulator
from services import Signals

TARGET_SHARE = 0.9
PER_CHAT_MIN_GAP_S = 1.0
CHAT_BASE = 900_000_000
DONE_TIMEOUT_S = 600.0


async def _queue(messages: int, chats: int) -> None:
    now = utcnow()
    for n in range(messages):
        await outbox.enqueue(
            chat_id=CHAT_BASE + n % chats,
            text=f"bench message {n}",
            kind="bench",
            dedup_key=f"bench:{n}",
            now=now,
            fresh_key=True,
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
            await _queue(messages, chats)
            bot = emu.make_bot()
            try:
                began = time.monotonic()
                async with running_sender(bot, Signals(), rate=rate):
                    await emu.wait_for(
                        lambda: sum(len(emu.sent(c)) for c in chat_ids) >= messages,
                        DONE_TIMEOUT_S,
                        f"{messages} messages sent",
                    )
                    elapsed = time.monotonic() - began
            finally:
                await bot.session.close()
            gaps = [
                later - earlier
                for c in chat_ids
                for earlier, later in zip(emu.send_times(c), emu.send_times(c)[1:], strict=False)
            ]
    measured = messages / elapsed
    closest = min(gaps) if gaps else float("inf")
    share = measured / rate
    return [
        Row(
            target=f"outbox sender ({messages} msgs / {chats} chats)",
            measured=f"{measured:.1f} msg/s, min gap {closest:.2f}s",
            reference=f"SEND_RATE {rate:g}/s",
            ratio=share,
            met=share >= TARGET_SHARE and closest >= PER_CHAT_MIN_GAP_S,
            goal=f">= {TARGET_SHARE}, per chat >= {PER_CHAT_MIN_GAP_S:g}s",
        )
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
