"""The aiohttp application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from redis.asyncio import Redis

import db
from domain import read_cache
from services import Services
from webapp import api, deliveries, health, legacy, openapi, pages, ratelimit
from webapp.errors import error_middleware
from webapp.keys import READ_CACHE, SERVICES


async def _database(app: web.Application) -> AsyncIterator[None]:
    await db.open_db(app[SERVICES].settings.database_url)
    yield
    await db.close_db()


async def _redis(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    if services.settings.redis_url:
        services.redis = Redis.from_url(services.settings.redis_url)
    async with read_cache.following(services.changes, services.redis) as generation:
        app[READ_CACHE].generation = generation
        yield
    if services.redis is not None:
        await services.redis.aclose()
        services.redis = None


def create_app(services: Services, *, own_database: bool = True) -> web.Application:
    """The whole web app. `own_database=False` when the caller already opened the database
    (tests, or a process that runs several apps on one connection)."""
    app = web.Application(middlewares=[error_middleware], client_max_size=4 * 1024 * 1024)
    app[SERVICES] = services
    app[READ_CACHE] = read_cache.ReadCache()
    ratelimit.setup(app)
    if own_database:
        app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_redis)
    app.add_routes(health.routes)
    app.add_routes(openapi.routes)
    for legacy_routes in legacy.routes:
        app.add_routes(legacy_routes)
    api.setup(app)
    app.add_routes(deliveries.routes)
    pages.setup(app)
    return app
