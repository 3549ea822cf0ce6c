"""Calendar feeds: the caller's private feed address, and the feed itself (iCalendar), which
needs no token but the unguessable one in its address."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web
from pydantic import BaseModel

from domain.booking import calendar
from domain.values import Actor
from webapp.api.schemas import json_answer
from webapp.auth import require_role
from webapp.keys import SERVICES
from webapp.openapi import documented

routes = web.RouteTableDef()
TAGS = ("calendar",)
# A subscribed calendar polls; a few minutes of staleness is what such clients expect.
FEED_MAX_AGE_S = 300


class CalendarLinkOut(BaseModel):
    """The address of the caller's calendar feed (iCalendar), the same on every call."""

    url: str


@routes.get("/api/v1/calendar/link")
@documented(
    "The address of the caller's own calendar feed (a client's or a psychologist's token)",
    responses={200: CalendarLinkOut, 403: "not a client nor a psychologist"},
    tags=TAGS,
    secured=True,
)
async def get_link(request: web.Request) -> web.Response:
    principal = require_role(request, Actor.CLIENT.value, Actor.PSYCHOLOGIST.value)
    settings = request.config_dict[SERVICES].settings
    url = await calendar.feed_link(
        principal.role,
        principal.telegram_id,
        settings.jwt_secret.get_secret_value(),
        settings.base_url,
    )
    return json_answer(CalendarLinkOut(url=url).model_dump())


@routes.get(f"{calendar.FEED_PATH}{{token:{calendar.TOKEN_PATTERN}}}.ics")
@documented(
    "A calendar feed (text/calendar): the sessions of the last 30 and the next 90 days",
    responses={200: "the feed, text/calendar", 404: "no feed has this address"},
    tags=TAGS,
)
async def get_feed(request: web.Request) -> web.Response:
    settings = request.config_dict[SERVICES].settings
    body = await calendar.feed(
        request.match_info["token"], urlsplit(settings.base_url).hostname or "localhost"
    )
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": f"private, max-age={FEED_MAX_AGE_S}"},
    )
