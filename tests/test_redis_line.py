"""The read cache's own Redis connection (webapp/redis_line.py) reads what redis-py writes, in
the database the URL names; an error answer fails that GET alone; a URL it does not speak is
left to redis-py's client."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from redis.asyncio import Redis

from webapp.redis_line import RedisLine, RedisReplyError


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs REDIS_URL")
    return url


def in_database(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


@pytest.fixture
async def key(redis_url: str) -> AsyncIterator[str]:
    name = f"test-redis-line:{uuid.uuid4().hex}"
    yield name
    for db in (0, 1):
        async with Redis.from_url(in_database(redis_url, db)) as redis:
            await redis.delete(name)


def line_to(url: str) -> RedisLine:
    line = RedisLine.of(url)
    assert line is not None
    return line


async def test_it_reads_what_redis_py_writes_in_the_database_named(
    redis_url: str, key: str
) -> None:
    async with Redis.from_url(in_database(redis_url, 1)) as redis:
        await redis.set(key, "a value ✓")
    first, zeroth = line_to(in_database(redis_url, 1)), line_to(in_database(redis_url, 0))
    try:
        assert await first.get(key) == "a value ✓".encode()
        assert await first.get(key) == "a value ✓".encode()
        assert await zeroth.get(key) is None
    finally:
        first.close()
        zeroth.close()


async def test_an_error_answer_fails_that_get_and_the_next_one_reconnects(
    redis_url: str, key: str
) -> None:
    async with Redis.from_url(redis_url) as redis:
        await redis.rpush(key, "not a string")
        line = line_to(redis_url)
        try:
            with pytest.raises(RedisReplyError, match="WRONGTYPE"):
                await line.get(key)
            await redis.delete(key)
            await redis.set(key, "back")
            assert await line.get(key) == b"back"
        finally:
            line.close()


async def test_a_password_the_server_refuses_fails_the_get(redis_url: str, key: str) -> None:
    parts = urlsplit(redis_url)
    wrong = urlunsplit(
        (parts.scheme, f"nobody:wrong@{parts.hostname}:{parts.port or 6379}", "/0", "", "")
    )
    line = line_to(wrong)
    with pytest.raises(RedisReplyError):
        await line.get(key)
    line.close()


def test_urls_it_does_not_speak_are_left_to_the_client() -> None:
    assert RedisLine.of("rediss://redis.example:6380/0") is None
    assert RedisLine.of("redis://redis.example:6379/0?socket_timeout=5") is None
    assert RedisLine.of("redis://user:secret@redis.example:6379/2") is not None
    assert RedisLine.of("unix:///run/redis.sock?db=1") is not None
