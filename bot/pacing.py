"""When the outbox sender may send: `rate` messages a second overall and one a second per chat
(Telegram's limits for a bot), and nothing while a flood wait (429) runs.

SendPacer holds the limits in one process. SharedPacer holds them for the bot as a whole,
across every process sharing one Redis: one round trip to a Lua script (GCRA: each key holds
the next free send time) checks the chat and reserves the bot's next free slot, and holds the
chat until the sender says the message came back (`done`); the chat's next message waits a
second from then, so a late send cannot bring two messages to a chat together. While Redis
cannot be reached it falls back to its process's SendPacer (logged once an outage) and asks
Redis again every few seconds; the local limits hold in both cases, so a process never sends
faster than it would alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# A hair over a second: the 1/s per chat must hold at Telegram's end, after network jitter.
PER_CHAT_INTERVAL_S = 1.05
# A Redis that does not answer within this long is taken as down, and asked again this late.
REDIS_TIMEOUT_S = 1.0
REDIS_RETRY_S = 5.0
# A message on its way keeps its chat from the other processes until it came back, or this
# long (a process that died mid-send); a process waiting on such a chat looks again this often.
ON_ITS_WAY_MS = 30_000
BUSY_RECHECK_S = 0.1

# KEYS[1]: the bot's next free send time; KEYS[2]: the chat's, or "b<slot>" while a message
# to it is on its way (microseconds, Redis's clock). ARGV[1]: microseconds between any two
# sends; ARGV[2]: how long (ms) a message may be on its way before the chat is free anyway.
# Answers {what, microseconds}: RESERVED, the bot's next slot is this sender's (send after the
# wait, without asking again); 0, the chat is free after the wait; BUSY, a message to the
# chat is on its way, the slot it took comes after the wait. Times are written with %.0f:
# Lua's tostring would round 16-digit numbers.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local chat = redis.call('GET', KEYS[2])
if chat then
  if string.sub(chat, 1, 1) == 'b' then
    return {2, math.max(tonumber(string.sub(chat, 2)) - now, 0)}
  end
  if tonumber(chat) > now then
    return {0, tonumber(chat) - now}
  end
end
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now)
local any_next = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', any_next),
  'PX', math.ceil((any_next - now) / 1000) + 1000)
redis.call('SET', KEYS[2], 'b' .. string.format('%.0f', slot),
  'PX', math.ceil((slot - now) / 1000) + tonumber(ARGV[2]))
return {1, slot - now}
"""
# KEYS[1]: the chat's key; ARGV[2]: microseconds between two sends to it. The message came
# back: the chat is free that long after now.
_RELEASE = """
local t = redis.call('TIME')
local free = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%.0f', free),
  'PX', math.ceil(tonumber(ARGV[2]) / 1000) + 1000)
"""
RESERVED, BUSY = 1, 2


class SendPacer:
    """Hands out send times in one process: `rate` a second overall, `per_chat_s` apart per
    chat (from the answer to the previous message), and none while a flood wait (429) runs.
    Turns go in the order they were asked for, skipping only a chat still inside its second:
    the oldest messages go first, so the chats left at the end of a burst are as many as can
    be (few chats left would be held to a message a second each)."""

    def __init__(self, rate: float, per_chat_s: float = PER_CHAT_INTERVAL_S) -> None:
        self._interval = 1.0 / rate
        self._per_chat_s = per_chat_s
        self._next_any = 0.0
        self._paused_until = 0.0
        self._next_in_chat: dict[int, float] = {}
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []  # in the order asked
        self._timer: asyncio.TimerHandle | None = None

    async def wait_turn(self, chat_id: int) -> None:
        turn = asyncio.get_running_loop().create_future()
        waiter = (chat_id, turn)
        self._waiting.append(waiter)
        self._plan()
        try:
            await turn
        finally:
            if waiter in self._waiting:  # cancelled before its turn came
                self._waiting.remove(waiter)
                self._plan()

    def _chat_ready(self, chat_id: int) -> float:
        return self._next_in_chat.get(chat_id, 0.0)

    def _plan(self) -> None:
        """Set the one timer to the moment the next turn can be given."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._waiting:
            return
        first_chat = min(self._chat_ready(chat_id) for chat_id, _ in self._waiting)
        at = max(self._next_any, self._paused_until, first_chat)
        self._timer = asyncio.get_running_loop().call_at(at, self._give_turn)

    def _give_turn(self) -> None:
        self._timer = None
        now = asyncio.get_running_loop().time()
        if max(self._next_any, self._paused_until) <= now:
            for waiter in self._waiting:
                chat_id, turn = waiter
                if self._chat_ready(chat_id) <= now:
                    self._waiting.remove(waiter)
                    self._next_any = max(self._next_any + self._interval, now)
                    self._next_in_chat[chat_id] = now + self._per_chat_s
                    if len(self._next_in_chat) > 10_000:
                        self._forget_idle_chats(now)
                    if not turn.done():
                        turn.set_result(None)
                    break
        self._plan()

    async def done(self, chat_id: int) -> None:
        """The message sent in the chat's turn came back (whatever the answer): the next
        waits `per_chat_s` from now, so network delays cannot bring two closer together."""
        self._next_in_chat[chat_id] = asyncio.get_running_loop().time() + self._per_chat_s
        self._plan()

    async def wait_pause(self) -> None:
        """Return once no flood wait runs."""
        loop = asyncio.get_running_loop()
        while (left := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(left)

    def pause(self, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until = max(self._paused_until, until)
        self._plan()

    def _forget_idle_chats(self, now: float) -> None:
        self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}


class SharedPacer(SendPacer):
    """The limits for the bot `bot_id` as a whole, kept in `redis`; on top of them, this
    process's own (SendPacer), which alone hold while Redis is down."""

    def __init__(
        self, redis: Redis, bot_id: int, rate: float, per_chat_s: float = PER_CHAT_INTERVAL_S
    ) -> None:
        super().__init__(rate, per_chat_s)
        self._reserve = redis.register_script(_RESERVE)
        self._release = redis.register_script(_RELEASE)
        # By the token's public id part, so two bots on one Redis do not share a limit.
        self._prefix = f"hraniteli:send:{bot_id}"
        self._interval_us = round(1e6 / rate)
        self._per_chat_us = round(per_chat_s * 1e6)
        self._down_until: float | None = None  # while set, Redis is not asked before then

    async def wait_turn(self, chat_id: int) -> None:
        # A flood wait first: slots reserved during it would be lost to the other processes.
        await self.wait_pause()
        keys = [f"{self._prefix}:all", self._chat_key(chat_id)]
        while (answer := await self._ask(self._reserve, keys, ON_ITS_WAY_MS)) is not None:
            what, wait_us = answer
            try:
                await asyncio.sleep(wait_us / 1e6 + (BUSY_RECHECK_S if what == BUSY else 0))
            except asyncio.CancelledError:
                if what == RESERVED:  # free the chat for the other processes at once
                    await asyncio.shield(self.done(chat_id))
                raise
            if what == RESERVED:
                break
        await super().wait_turn(chat_id)

    async def done(self, chat_id: int) -> None:
        await super().done(chat_id)
        await self._ask(self._release, [self._chat_key(chat_id)], self._per_chat_us)

    def _chat_key(self, chat_id: int) -> str:
        return f"{self._prefix}:chat:{chat_id}"

    async def _ask(self, script: AsyncScript, keys: list[str], arg: int) -> Any:
        """Run `script` on Redis; None (and the local limits alone for a while) when Redis
        cannot be asked."""
        if self._down_until is not None and time.monotonic() < self._down_until:
            return None
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_S):
                answer = await script(keys=keys, args=(self._interval_us, arg))
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
        return answer
