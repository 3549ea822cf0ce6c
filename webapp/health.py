"""GET /healthz: the state of the database, Redis and the bot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

import db
from webapp.keys import SERVICES
from webapp.openapi import documented

routes = web.RouteTableDef()
PROBE_TIMEOUT_S = 2.0


class Health(BaseModel):
    """The state of each backing service (200: the database and Redis answer; 503: one of
    them does not, status "degraded")."""

    status: Literal["ok", "degraded"]
    database: str = Field(description='"ok" or "error: <kind>"')
    redis: str = Field(description='"ok", "off" (REDIS_URL unset) or "error: <kind>"')
    bot: Literal["sandbox", "telegram"]


async def _probe(check: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(check, PROBE_TIMEOUT_S)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


@routes.get("/healthz")
@documented(
    "State of the database, Redis and the bot",
    responses={200: Health, 503: Health},
    tags=("system",),
)
async def healthz(request: web.Request) -> web.Response:
    services = request.config_dict[SERVICES]
    database = await _probe(db.ping())
    redis = await _probe(services.redis.ping()) if services.redis else "off"
    bot: Literal["sandbox", "telegram"] = (
        "sandbox" if services.settings.uses_sandbox else "telegram"
    )
    healthy = database == "ok" and redis in {"ok", "off"}
    answer = Health(
        status="ok" if healthy else "degraded", database=database, redis=redis, bot=bot
    )
    return web.json_response(answer.model_dump(), status=200 if healthy else 503)
