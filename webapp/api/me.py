"""The calling client's own record: who they are and the time zone they read times in."""

from __future__ import annotations

from aiohttp import web

from db.enums import Actor
from domain.entities import Client
from domain.people import clients
from domain.zones import zone_label
from webapp.api.schemas import ClientMeOut, ClientMePatch, json_answer
from webapp.auth import ForbiddenRole, require_role
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()
TAGS = ("clients",)
ME = "/api/v1/clients/me"


async def _caller(request: web.Request) -> Client:
    principal = require_role(request, Actor.CLIENT.value)
    client = await clients.by_telegram_id(principal.telegram_id)
    if client is None:
        raise ForbiddenRole("register first: share your phone number with the bot")
    return client


def _answer(client: Client) -> web.Response:
    return json_answer(
        ClientMeOut(
            id=client.id,
            name=client.name,
            phone=client.phone,
            phone_verified=client.phone_verified,
            timezone=client.timezone,
            timezone_label=zone_label(client.timezone, client.language),
            language=client.language,
        ).model_dump()
    )


@routes.get(ME)
@documented(
    "The calling client (a client token only) with the time zone their times are shown in",
    responses={200: ClientMeOut, 403: "not a registered client"},
    tags=TAGS,
    secured=True,
)
async def get_me(request: web.Request) -> web.Response:
    return _answer(await _caller(request))


@routes.patch(ME)
@documented(
    "Set the calling client's time zone (an IANA name); every time they read follows it",
    body=ClientMePatch,
    responses={200: ClientMeOut, 400: "an unknown time zone", 403: "not a registered client"},
    tags=TAGS,
    secured=True,
)
async def patch_me(request: web.Request) -> web.Response:
    client = await _caller(request)
    body = await parse_body(request, ClientMePatch)
    return _answer(await clients.set_timezone(client.id, body.timezone))
