"""Signing in: Telegram WebApp initData -> a panel token; the bot registering a client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.types import User
from aiohttp import web
from pydantic import Field

from db.enums import Actor, ClientSource
from domain.people import clients
from domain.people.access import STAFF_ROLES, redeem_login, role_of
from webapp.api.schemas import (
    ClientAuthIn,
    ClientAuthOut,
    ClientOut,
    Strict,
    TelegramAuthIn,
    TokenOut,
)
from webapp.auth import (
    ForbiddenRole,
    Principal,
    Unauthorized,
    confirmed_principal,
    is_integration,
    issue_token,
    read_login_token,
    validate_contact,
    validate_init_data,
)
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import parse_body

if TYPE_CHECKING:
    from domain.entities import Client

routes = web.RouteTableDef()


def _full_name(user: User) -> str:
    return " ".join(part for part in (user.first_name, user.last_name) if part)


@routes.post("/api/v1/auth/telegram")
@documented(
    "Exchange Telegram WebApp initData for a panel token with the caller's role",
    body=TelegramAuthIn,
    responses={200: TokenOut, 401: "initData is forged, too old or has no user"},
    tags=("auth",),
)
async def telegram_auth(request: web.Request) -> web.Response:
    settings = request.config_dict[SERVICES].settings
    body = await parse_body(request, TelegramAuthIn)
    user = validate_init_data(settings, body.init_data).user
    assert user is not None  # validate_init_data refuses data without a user
    role = await role_of(user.id, settings.admin_ids)
    token = issue_token(settings, Principal(user.id, role, _full_name(user)))
    return web.json_response({"token": token, "role": role.value})


class TokenExchangeIn(Strict):
    token: str = Field(min_length=1, max_length=4096)


@routes.post("/api/v1/auth/exchange")
@documented(
    "Exchange the token of a one-time login link (from the bot, valid 10 minutes) for a panel "
    "token; a panel token is answered as it is",
    body=TokenExchangeIn,
    responses={
        200: TokenOut,
        401: "the link has been used, has expired, or the token is forged",
        403: "the link's owner is no longer a manager",
    },
    tags=("auth",),
)
async def exchange_token(request: web.Request) -> web.Response:
    settings = request.config_dict[SERVICES].settings
    body = await parse_body(request, TokenExchangeIn)
    login = read_login_token(settings, body.token)
    if login is None:
        principal = await confirmed_principal(request, body.token)
        return web.json_response({"token": body.token, "role": principal.role.value})
    telegram_id = login.principal.telegram_id
    # The role now, not when the link was made: a manager removed meanwhile gets no session.
    role = await role_of(telegram_id, settings.admin_ids)
    if role not in STAFF_ROLES:
        raise ForbiddenRole("this link is for managers and admins")
    if not await redeem_login(login.jti, telegram_id, role, login.expires_at):
        raise Unauthorized("this link has been used; ask the bot for a new one")
    token = issue_token(settings, Principal(telegram_id, role, login.principal.name))
    return web.json_response({"token": token, "role": role.value})


@routes.post("/api/v1/clients/auth")
@documented(
    "Sign a Telegram user in as a client (registered when new). initData proves the user "
    "(or the integration token, with telegram_id); only a `contact` from requestContact links "
    "a record staff made with that phone; a typed `phone` stays unverified on the caller's own",
    body=ClientAuthIn,
    responses={
        200: ClientAuthOut,
        400: "a field is malformed, or `contact` is forged, stale or another user's",
        401: "neither valid initData nor the integration token",
    },
    tags=("auth",),
)
async def client_auth(request: web.Request) -> web.Response:
    settings = request.config_dict[SERVICES].settings
    body = await parse_body(request, ClientAuthIn)
    name, username, verified_phone = "", None, None
    if body.init_data is not None:
        user = validate_init_data(settings, body.init_data).user
        assert user is not None
        if body.telegram_id not in {None, user.id}:
            raise Unauthorized("init_data belongs to another Telegram user than telegram_id")
        telegram_id, name, username = user.id, _full_name(user), user.username
        if body.contact is not None:
            verified_phone = validate_contact(settings, body.contact, user.id)
    elif is_integration(request) and body.telegram_id is not None:
        # the document's anyOf: without init_data, a telegram_id and no contact
        telegram_id = body.telegram_id
    else:
        raise Unauthorized("init_data is required (or the integration token)")
    client, created = await clients.sign_in(
        telegram_id,
        name=name,
        username=username,
        phone=verified_phone or body.phone,
        phone_verified=verified_phone is not None,
        source=ClientSource.BOT,
    )
    token = issue_token(settings, Principal(telegram_id, Actor.CLIENT, client.name))
    answer = ClientAuthOut(client=client_out(client), token=token, created=created)
    return web.json_response(answer.model_dump(mode="json"))


def client_out(client: Client) -> ClientOut:
    """A client as the API shows it to the client: a typed phone shown, marked unverified."""
    return ClientOut(
        id=client.id,
        name=client.name,
        phone=client.phone or client.unverified_phone,
        phone_verified=client.phone_verified,
        telegram_id=client.telegram_id,
        username=client.username,
        language=client.language,
        timezone=client.timezone,
    )
