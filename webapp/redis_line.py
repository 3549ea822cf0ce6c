"""A lean Redis connection for the hottest command: the read cache's generation GET.

redis-py's client spends about 80 µs of CPU on a GET (the pool, retries, timeouts, its
parser); this line writes the GET and reads its reply straight off its own socket, for about a
tenth of that. It speaks RESP2 to the servers of redis:// and unix:// URLs (user, password,
database); for any other URL (TLS, connection options) `RedisLine.of` gives None and the
caller keeps using redis-py's client. A line that fails or times out is closed, and the next
GET opens a new one.
"""

from __future__ import annotations

import asyncio
import collections
import functools
from typing import Any

from redis.asyncio.connection import UnixDomainSocketConnection, parse_url

_ANSWER_TO = {"host", "port", "path", "db", "username", "password"}


class RedisReplyError(ConnectionError):
    """Redis answered an error (or something this line does not read): the line is closed."""


def _command(*parts: bytes) -> bytes:
    encoded = [b"$%d\r\n%s\r\n" % (len(part), part) for part in parts]
    return b"*%d\r\n" % len(parts) + b"".join(encoded)


@functools.lru_cache(maxsize=8)
def _get_command(key: str) -> bytes:
    return _command(b"GET", key.encode())


def _reply(buffer: bytearray) -> tuple[bytes | None, int] | None:
    """The first whole reply in `buffer` (a bulk string, nil or +simple string) and its length
    in bytes; None while it is incomplete. An error reply raises RedisReplyError."""
    end = buffer.find(b"\r\n")
    if end < 0:
        return None
    kind, head = buffer[:1], bytes(buffer[1:end])
    if kind == b"+":
        return head, end + 2
    if kind == b"$":
        size = int(head)
        if size < 0:
            return None, end + 2
        stop = end + 2 + size
        if len(buffer) < stop + 2:
            return None
        return bytes(buffer[end + 2 : stop]), stop + 2
    raise RedisReplyError(f"Redis answered {bytes(buffer[:end])[:200]!r}")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._buffer = bytearray()
        self._waiting: collections.deque[asyncio.Future[bytes | None]] = collections.deque()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._waiting:
            try:
                found = _reply(self._buffer)
            except (RedisReplyError, ValueError) as exc:
                self._fail(RedisReplyError(str(exc)))
                return
            if found is None:
                return
            value, length = found
            del self._buffer[:length]
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(value)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError(f"the Redis connection closed: {exc}"))

    def _fail(self, exc: Exception) -> None:
        self.close()
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(exc)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def send(self, command: bytes) -> asyncio.Future[bytes | None]:
        assert self.transport is not None
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        self.transport.write(command)
        return waiter


class RedisLine:
    """GETs on a connection of their own."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        self._protocol: _Protocol | None = None

    @classmethod
    def of(cls, url: str) -> RedisLine | None:
        """A line to the server of `url`; None when it names what this line does not speak."""
        options = parse_url(url)
        if options.pop("connection_class", None) not in (None, UnixDomainSocketConnection):
            return None  # TLS
        if not set(options) <= _ANSWER_TO:
            return None
        return cls(options)

    async def get(self, key: str) -> bytes | None:
        """GET `key`, opening the line if it is not open. Cancelled (a timeout) or failed,
        the line is closed."""
        try:
            reply = self.send_get(key)
            if reply is None:
                self._protocol = await self._open()
                reply = self._protocol.send(_get_command(key))
            return await reply
        except BaseException:
            self.close()
            raise

    def send_get(self, key: str) -> asyncio.Future[bytes | None] | None:
        """GET `key` on the open line: its reply to come (a failure closes the line; one that
        does not come in time, the caller closes it); None when the line is not open."""
        if self._protocol is None or self._protocol.closed:
            return None
        return self._protocol.send(_get_command(key))

    async def _open(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        options = self._options
        if "path" in options:
            _, protocol = await loop.create_unix_connection(_Protocol, options["path"])
        else:
            host, port = options.get("host", "localhost"), options.get("port", 6379)
            _, protocol = await loop.create_connection(_Protocol, host, port)
        password = options.get("password")
        if password is not None:
            user = options.get("username")
            credentials = [password] if user is None else [user, password]
            await protocol.send(_command(b"AUTH", *(part.encode() for part in credentials)))
        if options.get("db"):
            await protocol.send(_command(b"SELECT", str(options["db"]).encode()))
        return protocol

    def close(self) -> None:
        if self._protocol is not None:
            self._protocol.close()
            self._protocol = None
