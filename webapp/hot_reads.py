"""The hot read routes' cached answers, served before the caller's token, the query and the
route's own work are looked at again.

A cached route (webapp.api.schemas.cached_answer) notes which read-cache entry it answered a
GET with, under the request as it came: its target as sent and its Authorization header as
sent. The next GET with the very same two is answered here from that entry, the rest of the
middlewares and the route skipped, when all of these hold (else the route answers, as always):

- the entry is still fresh: built under the current generation (read_cache: one Redis GET per
  batch of reads with Redis) and not expired;
- the caller the route answered, if it needed one, is still that caller: the token (the one in
  the header, whose signature the route checked) has not expired, and the person's role now
  is the token's (the role book's word, as for any request: at most ROLE_TTL_S old, forgotten
  when staff change);
- the note was made on the same MSK day: the routes' default ranges start today;
- the request carries no Content-Type (the error middleware judges one);
- the rate limit, counting the request as the route would, lets it through.

Answers go out gzip-compressed when the request's Accept-Encoding takes gzip (compressed once
per entry, webapp.read_cache), plain otherwise; both say `Vary: Accept-Encoding`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import hdrs, web

from domain.timerules import MSK, utcnow
from webapp import ratelimit
from webapp.auth import CALLER, Principal
from webapp.errors import Handler
from webapp.keys import READ_CACHE, SERVICES
from webapp.read_cache import Entry, ReadCache
from webapp.roles import ROLE_BOOK, RoleBook

# Notes beyond this many: the oldest go (each costs its request once more the long way).
MAX_NOTES = 16_384
JSON_TYPE = "application/json; charset=utf-8"
_PLAIN_HEADERS = {hdrs.CONTENT_TYPE: JSON_TYPE, hdrs.VARY: hdrs.ACCEPT_ENCODING}
_GZIP_HEADERS = {**_PLAIN_HEADERS, hdrs.CONTENT_ENCODING: "gzip"}

RawRequest = tuple[str, str | None]  # the target and the Authorization header, as sent


@dataclass(frozen=True, slots=True)
class _Note:
    key: Hashable  # the read cache's key the route answered the request under
    caller: Principal | None  # whom it answered, when the route needed to know
    until: float  # time.monotonic() of the next MSK midnight after the note was made


@functools.lru_cache(maxsize=256)
def takes_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (RFC 9110 12.5.3): gzip (or x-gzip), or
    else `*`, with a weight above 0."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *parameters = item.split(";")
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding.strip().lower()] = weight
    named = weights.get("gzip", weights.get("x-gzip"))
    return (named if named is not None else weights.get("*", 0.0)) > 0


def json_answer_of(request: web.Request, cache: ReadCache, entry: Entry) -> web.Response:
    """`entry`'s JSON, gzip-compressed when the request takes gzip."""
    if takes_gzip(request.headers.get(hdrs.ACCEPT_ENCODING, "")):
        return web.Response(body=cache.gzipped(entry), headers=_GZIP_HEADERS)
    return web.Response(body=entry.body, headers=_PLAIN_HEADERS)


def _next_msk_midnight() -> float:
    """time.monotonic() at the next MSK midnight."""
    now = utcnow().astimezone(MSK)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), MSK)
    return time.monotonic() + (midnight - now).total_seconds()


class HotReads:
    """The notes of one app, and the middleware that answers from them."""

    def __init__(self, cache: ReadCache, roles: RoleBook, *, limited: bool) -> None:
        self._cache = cache
        self._roles = roles
        self._limited = limited  # RATE_LIMIT_PER_MIN is set
        self._notes: dict[RawRequest, _Note] = {}

    def note(self, request: web.Request, key: Hashable) -> None:
        """The route answered `request` (a GET) with the read cache's entry for `key`."""
        if request.method != hdrs.METH_GET:
            return
        caller = request.get(CALLER)
        if len(self._notes) >= MAX_NOTES:
            del self._notes[next(iter(self._notes))]
        self._notes[_raw(request)] = _Note(
            key, caller if isinstance(caller, Principal) else None, _next_msk_midnight()
        )

    async def _still_good(self, note: _Note) -> bool:
        if time.monotonic() >= note.until:
            return False
        caller = note.caller
        if caller is None:
            return True
        if caller.expires_at <= time.time():
            return False
        role = self._roles.remembered(caller.telegram_id)
        if role is None:
            try:
                role = await self._roles.role(caller.telegram_id)
            except Exception:  # the database is down: the route answers (a 503)
                return False
        return role == caller.role

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Answer a noted GET from the read cache; anything else goes on to the route."""
        if request.method != hdrs.METH_GET or hdrs.CONTENT_TYPE in request.headers:
            return await handler(request)
        note = self._notes.get(_raw(request))
        if note is None or not await self._still_good(note):
            return await handler(request)
        entry = self._cache.fresh(note.key, await self._cache.generation.current())
        if entry is None:
            return await handler(request)
        if self._limited:
            if note.caller is not None:
                request[CALLER] = note.caller  # whom the rate limit counts
            refusal = await ratelimit.refusal(request)
            if refusal is not None:
                return refusal
        return json_answer_of(request, self._cache, entry)


def _raw(request: web.Request) -> RawRequest:
    return request.raw_path, request.headers.get(hdrs.AUTHORIZATION)


HOT_READS = web.AppKey("hot_reads", HotReads)


def setup(app: web.Application) -> None:
    """Answer noted reads (a middleware: right after the ones that name and count the
    request). After webapp.roles.setup: the role book tells whether a caller is still who
    they were."""
    limited = app[SERVICES].settings.rate_limit_per_min > 0
    app[HOT_READS] = hot_reads = HotReads(app[READ_CACHE], app[ROLE_BOOK], limited=limited)
    app.middlewares.append(hot_reads.middleware)
