"""When the outbox sender may send: `rate` messages a second overall and one a second per chat
(Telegram's limits for a bot), and nothing while a flood wait (429) runs.

SendPacer holds the limits in one process. SharedPacer holds them for the bot as a whole,
across every process sharing one Redis: one round trip to a Lua script (GCRA: each key holds
the next free send time) checks the chat and reserves the bot's next free slot. While Redis
cannot be reached it falls back to its process's SendPacer (logged once an outage) and asks
Redis again every few seconds; the local limits hold in both cases, so a process never sends
faster than it would alone.
"""

from __future__ import annotations

import asyncio
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# A hair over a second: the 1/s per chat must hold at Telegram's end, after network jitter.
PER_CHAT_INTERVAL_S = 1.05
# A Redis that does not answer within this long is taken as down, and asked again this late.
REDIS_TIMEOUT_S = 1.0
REDIS_RETRY_S = 5.0

# KEYS[1]: the bot's next free send time, KEYS[2]: the chat's (microseconds, Redis's clock).
# ARGV[1]: microseconds between any two sends, ARGV[2]: between two sends to one chat.
# Answers {reserved, microseconds to wait}. A busy chat reserves nothing (ask again after the
# wait); a free one takes the bot's next slot and keeps the chat busy until a second after it
# (send after the wait, without asking again). Times are written with %.0f: Lua's tostring
# would round 16-digit numbers.
_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local chat_free = tonumber(redis.call('GET', KEYS[2]) or 0)
if chat_free > now then
  return {0, chat_free - now}
end
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now)
local any_next = slot + tonumber(ARGV[1])
local chat_next = slot + tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%.0f', any_next),
  'PX', math.ceil((any_next - now) / 1000) + 1000)
redis.call('SET', KEYS[2], string.format('%.0f', chat_next),
  'PX', math.ceil((chat_next - now) / 1000) + 1000)
return {1, slot - now}
"""


class SendPacer:
    """Hands out send times in one process: `rate` a second overall, `per_chat_s` apart per
    chat, and none while a flood wait (429) runs."""

    def __init__(self, rate: float, per_chat_s: float = PER_CHAT_INTERVAL_S) -> None:
        self._interval = 1.0 / rate
        self._per_chat_s = per_chat_s
        self._next_any = 0.0
        self._paused_until = 0.0
        self._next_in_chat: dict[int, float] = {}

    async def wait_turn(self, chat_id: int) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            ready = max(self._next_any, self._paused_until, self._next_in_chat.get(chat_id, 0.0))
            if ready <= now:
                self._next_any = max(self._next_any + self._interval, now)
                self._next_in_chat[chat_id] = now + self._per_chat_s
                if len(self._next_in_chat) > 10_000:
                    self._forget_idle_chats(now)
                return
            await asyncio.sleep(ready - now)

    async def wait_pause(self) -> None:
        """Return once no flood wait runs."""
        loop = asyncio.get_running_loop()
        while (left := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(left)

    def pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)

    def _forget_idle_chats(self, now: float) -> None:
        self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}


class SharedPacer(SendPacer):
    """The limits for the bot `bot_id` as a whole, kept in `redis`; on top of them, this
    process's own (SendPacer), which alone hold while Redis is down."""

    def __init__(
        self, redis: Redis, bot_id: int, rate: float, per_chat_s: float = PER_CHAT_INTERVAL_S
    ) -> None:
        super().__init__(rate, per_chat_s)
        self._script = redis.register_script(_GCRA)
        # By the token's public id part, so two bots on one Redis do not share a limit.
        self._prefix = f"hraniteli:send:{bot_id}"
        self._args = (round(1e6 / rate), round(per_chat_s * 1e6))
        self._down_until: float | None = None  # while set, Redis is not asked before then

    async def wait_turn(self, chat_id: int) -> None:
        # A flood wait first: slots reserved during it would be lost to the other processes.
        await self.wait_pause()
        while not self._redis_down():
            answer = await self._reserve(chat_id)
            if answer is None:
                break
            reserved, wait_us = answer
            await asyncio.sleep(wait_us / 1e6)
            if reserved:
                break
        await super().wait_turn(chat_id)

    def _redis_down(self) -> bool:
        return self._down_until is not None and time.monotonic() < self._down_until

    async def _reserve(self, chat_id: int) -> tuple[bool, int] | None:
        """Ask Redis: (slot reserved, microseconds to wait), or None when it cannot be asked."""
        keys = [f"{self._prefix}:all", f"{self._prefix}:chat:{chat_id}"]
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_S):
                reserved, wait_us = await self._script(keys=keys, args=self._args)
        except (RedisError, OSError, TimeoutError) as exc:
            if self._down_until is None:
                log.warning(
                    "Redis unreachable for the send rate (%s: %s); pacing this process alone",
                    type(exc).__name__,
                    exc,
                )
            self._down_until = time.monotonic() + REDIS_RETRY_S
            return None
        if self._down_until is not None:
            log.info("Redis reachable again; the send rate is shared again")
            self._down_until = None
        return bool(reserved), int(wait_us)
