"""The aiohttp application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

import db
from services import Services, connect_redis
from webapp import (
    api,
    deliveries,
    health,
    hot_reads,
    integrations,
    metrics,
    openapi,
    pages,
    ratelimit,
    read_cache,
    relay,
    roles,
)
from webapp.auth import caller_middleware
from webapp.errors import error_middleware
from webapp.keys import READ_CACHE, SERVICES
from webapp.logs import RedactingAccessLogger, request_id_middleware, setup_log_redaction

# Request size limits. A body over MAX_BODY_BYTES is a 413 JSON answer naming the limit (the
# CSV/Excel import streams its upload and has its own IMPORT_MAX_BYTES). The HTTP parser refuses
# a request line (method, path and query) over MAX_REQUEST_LINE_BYTES, a header over
# MAX_HEADER_BYTES or more than MAX_HEADERS headers with a plain-text 400 before the app sees
# the request; below those, webapp.validation.parse_query bounds the query with JSON answers.
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_REQUEST_LINE_BYTES = 64 * 1024
MAX_HEADER_BYTES = 8 * 1024
MAX_HEADERS = 100

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def signals_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """What the request changes is announced on its process's signals: this app's listeners
    (and the bot's, the scheduler's and the sender's in the same process) hear it."""
    with request.config_dict[SERVICES].signals.bound():
        return await handler(request)


async def _database(app: web.Application) -> AsyncIterator[None]:
    await db.open_db(app[SERVICES].settings.database_url)
    yield
    await db.close_db()


async def _redis(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    if services.settings.redis_url:
        services.redis = connect_redis(services.settings.redis_url)
    settings = services.settings
    async with read_cache.following(
        services.signals.changes, services.redis, settings.database_url, settings.redis_url
    ) as generation:
        app[READ_CACHE].generation = generation
        yield
    if services.redis is not None:
        await services.redis.aclose()
        services.redis = None


def create_app(services: Services, *, own_database: bool = True) -> web.Application:
    """The whole web app. `own_database=False` when the caller already opened the database
    (tests, or a process that runs several apps on one connection)."""
    setup_log_redaction()
    app = web.Application(
        # the request's id first, for every line it logs; then the request counter: it sees
        # the status of every answer, refusals included
        middlewares=[request_id_middleware, metrics.counting_middleware(services.metrics)],
        client_max_size=MAX_BODY_BYTES,
        handler_args={
            "max_line_size": MAX_REQUEST_LINE_BYTES,
            "max_field_size": MAX_HEADER_BYTES,
            "max_headers": MAX_HEADERS,
            "access_log_class": RedactingAccessLogger,
        },
    )
    app[SERVICES] = services
    app[READ_CACHE] = read_cache.ReadCache(metrics=services.metrics)
    if own_database:
        app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_redis)
    roles.setup(app)
    # A read answered before from the cache is answered again before anything else runs.
    hot_reads.setup(app)
    app.middlewares.extend([signals_middleware, error_middleware])
    relay.setup(app)
    # Who calls is settled before the rate limit counts them (by who they are, when verified).
    app.middlewares.append(caller_middleware)
    ratelimit.setup(app)
    app.add_routes(health.routes)
    app.add_routes(metrics.routes)
    app.add_routes(openapi.routes)
    for integration_routes in integrations.routes:
        app.add_routes(integration_routes)
    api.setup(app)
    app.add_routes(deliveries.routes)
    pages.setup(app)
    return app
