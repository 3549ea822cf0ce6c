"""`RATE_LIMIT_PER_MIN` requests a minute per caller on public and client routes.

The caller is the person a verified panel token speaks for (or the integration, by its token);
anyone else is their address: the peer's, or, when the peer is one of TRUSTED_PROXIES, the
address their `X-Forwarded-For` names. A token that does not verify never opens a count of its
own, so made-up tokens do not dodge the limit. Counting is a fixed one-minute window: in Redis
when REDIS_URL is set, so that every instance shares the count (INCR + EXPIRE), in-process
otherwise. Over the limit the
answer is a 429 JSON naming the reason, with `Retry-After`.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass, field

from aiohttp import web
from redis.exceptions import RedisError

from webapp.auth import CALLER, Principal, is_integration
from webapp.errors import Handler, error_response
from webapp.keys import SERVICES

log = logging.getLogger(__name__)

WINDOW_S = 60
# A Redis that does not answer must not hold requests up.
REDIS_TIMEOUT_S = 0.5
KEY_PREFIX = "ratelimit"
# The Bot API emulator and its chat page, Telegram's webhook calls, static files and the health
# probe and the metrics are not public or client routes: limiting them would only break the bot
# and monitoring.
EXEMPT_PREFIXES = (
    "/bot",
    "/file/bot",
    "/sandbox",
    "/telegram/",
    "/app/static/",
    "/healthz",
    "/metrics",
)


@dataclass
class Limiter:
    """This app's limiter: the Redis key namespace of its deployment, and the counts of the
    current window in this process, dropped when the window rolls over."""

    namespace: str
    trusted: tuple[Network, ...] = ()
    redis_down: bool = False  # logged once when Redis goes away, once when it is back
    window: int = -1
    counts: dict[str, int] = field(default_factory=dict)

    def hit(self, key: str, window: int) -> int:
        if window != self.window:
            self.window, self.counts = window, {}
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]


LIMITER = web.AppKey("rate_limiter", Limiter)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(addresses: list[str]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks (a bare address is a network of one)."""
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def client_address(request: web.Request, trusted: tuple[Network, ...]) -> str:
    """The caller's address: the peer's, unless the peer is a trusted proxy; then the nearest
    address in X-Forwarded-For that is not a trusted proxy (the ones before it are the
    caller's to write, and may be lies)."""
    address = request.remote or "unknown"
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    while hops and _is_trusted(address, trusted):
        hop = hops.pop()
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # a malformed hop: the last trusted proxy is the caller we can name
    return address


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def caller_key(request: web.Request, trusted: tuple[Network, ...]) -> str:
    """Who is counted: the verified person, the integration, or the address."""
    caller = request.get(CALLER)
    if isinstance(caller, Principal):
        return f"person:{caller.telegram_id}"
    if is_integration(request):
        return "integration"
    return f"ip:{client_address(request, trusted)}"


def window_key(namespace: str, caller: str, window: int) -> str:
    """The Redis key counting `caller` in the minute `window`."""
    return f"{KEY_PREFIX}:{namespace}:{window}:{caller}"


async def _count(request: web.Request, caller: str, window: int) -> int:
    limiter = request.config_dict[LIMITER]
    redis = request.config_dict[SERVICES].redis
    if redis is not None:
        key = window_key(limiter.namespace, caller, window)
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_S), redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_S + 1)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:  # TimeoutError is an OSError
            # Redis being down must not take the API with it: count in this process meanwhile.
            if not limiter.redis_down:
                log.warning("rate limit counts in-process, Redis is unavailable: %s", exc)
            limiter.redis_down = True
        else:
            if limiter.redis_down:
                log.info("rate limit counts in Redis again")
            limiter.redis_down = False
            return int(count)
    return limiter.hit(caller, window)


async def refusal(request: web.Request) -> web.Response | None:
    """Count the request against its caller's limit: the 429 answer when they are over it,
    None otherwise (and when there is no limit, or the route is not limited)."""
    limit = request.config_dict[SERVICES].settings.rate_limit_per_min
    if limit <= 0 or request.path.startswith(EXEMPT_PREFIXES):
        return None
    now = time.time()
    window = int(now // WINDOW_S)
    caller = caller_key(request, request.config_dict[LIMITER].trusted)
    if await _count(request, caller, window) <= limit:
        return None
    retry_after = max(1, int((window + 1) * WINDOW_S - now + 0.999))
    answer = error_response(
        429,
        "rate_limited",
        f"more than {limit} requests a minute; retry in {retry_after} s",
        retry_after=retry_after,
    )
    answer.headers["Retry-After"] = str(retry_after)
    return answer


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await refusal(request) or await handler(request)


def setup(app: web.Application) -> None:
    """Limit the request rate of `app`'s callers (after the error middleware)."""
    # Instances of one deployment share the JWT secret (they accept each other's tokens); other
    # deployments on the same Redis count apart.
    secret = app[SERVICES].settings.jwt_secret.get_secret_value()
    app[LIMITER] = Limiter(
        hashlib.sha256(secret.encode()).hexdigest()[:12],
        trusted_networks(app[SERVICES].settings.trusted_proxies),
    )
    app.middlewares.append(rate_limit_middleware)
