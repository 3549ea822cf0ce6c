"""SEND_RATE and one message a second per chat hold for the bot as a whole: two senders (two
processes, each with its own bot session, signals and Redis client) on one Redis and one
database together send no faster than one would alone. Rates are measured from the times the
Bot API emulator received the messages.

Without Redis (or with one that cannot be reached, or gone mid-run) a sender keeps its own
process's rate and goes on sending. The Redis tests skip without REDIS_URL (CI's PostgreSQL +
Redis pass runs them); each test's comment says which bound its numbers make the binding one."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from redis.exceptions import RedisError

from bot.sender import running_sender
from db.models import Outbox
from domain.timerules import utcnow
from sandbox import BotApiEmulator
from services import Signals, connect_redis
from tests.harness.stores import REDIS_URL

pytestmark = pytest.mark.usefixtures("database")

FIRST_CHAT = 800_000
POLL = {"poll_s": 0.05}
UPPER = 1.05  # the combined rate may pass SEND_RATE by network jitter only
LOWER = 0.9  # and must not fall far below it either
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
async def redis_url(emulator: BotApiEmulator) -> AsyncIterator[str]:
    """REDIS_URL, with the test bot's send-rate keys removed before and after."""
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the shared send rate needs Redis")
    client = connect_redis(REDIS_URL)
    bot = emulator.make_bot()
    pattern = f"hraniteli:send:{bot.id}:*"
    await bot.session.close()

    async def forget() -> None:
        keys = [key async for key in client.scan_iter(match=pattern)]
        if keys:
            await client.delete(*keys)

    try:
        await forget()
    except (RedisError, OSError) as exc:
        await client.aclose()
        pytest.skip(f"Redis at REDIS_URL is unreachable: {exc}")
    try:
        yield REDIS_URL
    finally:
        await forget()
        await client.aclose()


async def queue(emulator: BotApiEmulator, messages: int, chats: int) -> list[int]:
    """`messages` rows due now, spread evenly over `chats` chats; the chats' ids."""
    chat_ids = [FIRST_CHAT + c for c in range(chats)]
    for chat_id in chat_ids:
        emulator.user(chat_id)
    now = utcnow()
    await Outbox.bulk_create(
        [
            Outbox(
                chat_id=chat_ids[n % chats],
                text=f"message {n}",
                dedup_key=f"rate:{n}",
                not_before=now,
            )
            for n in range(messages)
        ]
    )
    return chat_ids


async def send_all(
    emulator: BotApiEmulator,
    chat_ids: list[int],
    messages: int,
    *,
    rate: float,
    redis_urls: list[str | None],
) -> None:
    """One sender per entry of `redis_urls` (None: without Redis), each with SEND_RATE `rate`
    and a bot session, signals and Redis client of its own, until every message arrived."""
    async with contextlib.AsyncExitStack() as stack:
        for url in redis_urls:
            bot = emulator.make_bot()
            stack.push_async_callback(bot.session.close)
            redis = None
            if url is not None:
                redis = connect_redis(url)
                stack.push_async_callback(redis.aclose)
            await stack.enter_async_context(
                running_sender(bot, Signals(), rate=rate, redis=redis, **POLL)
            )
        await emulator.wait_for(
            lambda: sum(len(emulator.sent(c)) for c in chat_ids) >= messages,
            120.0,
            f"{messages} messages sent",
        )


def combined_rate(emulator: BotApiEmulator) -> float:
    """Messages a second the emulator received, from the first to the last but a tenth: at
    the end only a few chats are left, and one a second per chat is the bound."""
    times = sorted(e["time"] for e in emulator.requests("sendMessage") if e["status"] == 200)
    steady = times[: len(times) * 9 // 10]
    return (len(steady) - 1) / (steady[-1] - steady[0])


def closest_in_a_chat(emulator: BotApiEmulator, chat_ids: list[int]) -> float:
    """The shortest time between two messages to one chat."""
    return min(
        later - earlier
        for chat_id in chat_ids
        for earlier, later in itertools.pairwise(emulator.send_times(chat_id))
    )


async def test_two_senders_on_one_redis_share_send_rate(
    emulator: BotApiEmulator, redis_url: str
) -> None:
    # 1,000 messages to 100 chats at 50/s: the chats could take ~95/s, so SEND_RATE is the
    # bound. Each sender alone would send 50/s: unshared, the two would make ~95/s.
    rate = 50
    chat_ids = await queue(emulator, 1000, 100)

    await send_all(emulator, chat_ids, 1000, rate=rate, redis_urls=[redis_url, redis_url])

    measured = combined_rate(emulator)
    assert LOWER * rate <= measured <= UPPER * rate, f"{measured:.1f} msg/s"
    assert closest_in_a_chat(emulator, chat_ids) >= 1.0
    assert len(emulator.requests("sendMessage")) == 1000  # no 429s, nothing doubled


async def test_two_senders_on_one_redis_share_one_message_a_second_per_chat(
    emulator: BotApiEmulator, redis_url: str
) -> None:
    # 80 messages to 10 chats at 200/s: one a second per chat is the bound (~9.5/s in all).
    # Unshared, both senders claim rows of the same chat and send to it within the second.
    chat_ids = await queue(emulator, 80, 10)

    await send_all(emulator, chat_ids, 80, rate=200, redis_urls=[redis_url, redis_url])

    assert closest_in_a_chat(emulator, chat_ids) >= 1.0
    assert combined_rate(emulator) <= UPPER * len(chat_ids)


class RedisLine:
    """A loopback relay to the Redis at `url` that the test can cut: Redis gone mid-run, as
    the sender sees it (open connections dropped, new ones refused)."""

    def __init__(self, url: str) -> None:
        self._target = urlsplit(url)
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return self._target._replace(netloc=f"127.0.0.1:{port}").geturl()

    async def __aexit__(self, *_: object) -> None:
        await self.cut()

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        to_reader, to_writer = await asyncio.open_connection(
            self._target.hostname, self._target.port or 6379
        )
        self._writers += [writer, to_writer]

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pump(reader, to_writer), pump(to_reader, writer))


async def test_redis_gone_mid_run_the_sender_goes_on_at_its_own_rate(
    emulator: BotApiEmulator, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # 400 messages to 100 chats at 50/s (~8 s); Redis is cut after 2 s and stays away.
    rate = 50
    chat_ids = await queue(emulator, 400, 100)

    async def cut_soon(line: RedisLine) -> None:
        await asyncio.sleep(2)
        await line.cut()

    with caplog.at_level(logging.WARNING, logger="bot.pacing"):
        line = RedisLine(redis_url)
        async with line as line_url, asyncio.TaskGroup() as tasks:
            tasks.create_task(cut_soon(line))
            await send_all(emulator, chat_ids, 400, rate=rate, redis_urls=[line_url])

    measured = combined_rate(emulator)
    assert LOWER * rate <= measured <= UPPER * rate, f"{measured:.1f} msg/s"
    assert closest_in_a_chat(emulator, chat_ids) >= 1.0
    assert len(emulator.requests("sendMessage")) == 400
    assert len([r for r in caplog.records if "Redis unreachable" in r.getMessage()]) == 1


@pytest.mark.parametrize("redis", [None, UNREACHABLE_REDIS], ids=["no-redis", "redis-down"])
async def test_a_lone_sender_keeps_its_own_rate_without_redis(
    emulator: BotApiEmulator, redis: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    # 300 messages to 100 chats at 50/s (~6 s, so Redis is asked again during the run):
    # SEND_RATE is the bound, as with Redis.
    rate = 50
    chat_ids = await queue(emulator, 300, 100)

    with caplog.at_level(logging.WARNING, logger="bot.pacing"):
        await send_all(emulator, chat_ids, 300, rate=rate, redis_urls=[redis])

    measured = combined_rate(emulator)
    assert LOWER * rate <= measured <= UPPER * rate, f"{measured:.1f} msg/s"
    assert closest_in_a_chat(emulator, chat_ids) >= 1.0
    outage_logs = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    # Redis is asked again every few seconds; the outage is logged once all the same.
    assert len(outage_logs) == (1 if redis else 0)
