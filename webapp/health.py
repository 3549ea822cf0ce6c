"""GET /healthz: the state of the database, Redis and the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from aiohttp import web
from tortoise import connections

from webapp.keys import SERVICES
from webapp.openapi import documented

routes = web.RouteTableDef()
PROBE_TIMEOUT_S = 2.0


async def _probe(check: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(check, PROBE_TIMEOUT_S)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@routes.get("/healthz")
@documented(
    "State of the database, Redis and the bot",
    responses={200: "all backing services answer", 503: "the database or Redis is down"},
    tags=("system",),
)
async def healthz(request: web.Request) -> web.Response:
    services = request.config_dict[SERVICES]
    database = await _probe(connections.get("default").execute_query("SELECT 1"))
    redis = await _probe(services.redis.ping()) if services.redis else "off"
    bot = "sandbox" if services.settings.uses_sandbox else "telegram"
    healthy = database == "ok" and redis in {"ok", "off"}
    return web.json_response(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "redis": redis,
            "bot": bot,
        },
        status=200 if healthy else 503,
    )
