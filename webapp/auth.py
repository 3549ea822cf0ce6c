"""Who is calling. Integration endpoints that change data or show personal data need the
integration bearer token (or a psychologist's schedule secret, checked by the route).
/api/v1 callers carry a short-lived JWT (HS256, role claim) obtained with Telegram WebApp
initData."""

from __future__ import annotations

import functools
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl

import jwt
from aiogram.utils.web_app import (
    WebAppInitData,
    check_webapp_signature,
    safe_parse_webapp_init_data,
)
from aiohttp import web

from config import Settings
from db.enums import Actor
from domain.audit import Initiator
from domain.people.access import JWT_ALGORITHM, LOGIN_PURPOSE
from domain.timerules import utcnow
from webapp.errors import Handler, error_response
from webapp.keys import SERVICES
from webapp.roles import ROLE_BOOK
from webapp.validation import BadRequest

# Telegram signs initData once when the page opens; older data may have leaked.
INIT_DATA_MAX_AGE = timedelta(days=1)
# Clock skew tolerated between Telegram's servers and ours.
INIT_DATA_FUTURE_SKEW = timedelta(minutes=5)
STAFF = (Actor.MANAGER.value, Actor.ADMIN.value)


class Unauthorized(web.HTTPUnauthorized):
    """A 401 with a JSON body naming the reason."""

    def __init__(self, reason: str) -> None:
        answer = error_response(401, "unauthorized", reason)
        super().__init__(
            text=answer.text,
            content_type="application/json",
            headers={"WWW-Authenticate": "Bearer"},
        )


class ForbiddenRole(web.HTTPForbidden):
    """A 403 with a JSON body naming the reason."""

    def __init__(self, reason: str) -> None:
        answer = error_response(403, "forbidden", reason)
        super().__init__(text=answer.text, content_type="application/json")


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller a panel token speaks for."""

    telegram_id: int
    role: Actor
    name: str = ""
    expires_at: float = float("inf")  # the token's `exp`, seconds since the epoch

    def initiator(self, source: str = "api") -> Initiator:
        """The audit-log author of a change this caller makes."""
        return Initiator(self.role, ref=str(self.telegram_id), source=source)


def bearer_token(request: web.Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an empty expectation never matches."""
    return (
        bool(given)
        and bool(expected)
        and hmac.compare_digest(
            given.encode(),
            expected.encode(),  # type: ignore[union-attr]
        )
    )


def is_integration(request: web.Request) -> bool:
    expected = request.config_dict[SERVICES].settings.integration_token.get_secret_value()
    return same_secret(bearer_token(request), expected)


def require_integration(request: web.Request) -> None:
    """Refuse with 401 unless the request carries the integration token."""
    if not is_integration(request):
        raise Unauthorized("this endpoint needs Authorization: Bearer <INTEGRATION_TOKEN>")


def validate_init_data(
    settings: Settings, init_data: str, *, now: datetime | None = None
) -> WebAppInitData:
    """Telegram WebApp initData, checked: the HMAC (key "WebAppData" + bot token), a user, and
    an `auth_date` no older than a day. Refuses with 401 naming the reason."""
    try:
        data = safe_parse_webapp_init_data(settings.telegram_token, init_data)
    except ValueError as exc:
        raise Unauthorized("init_data is not signed by Telegram for this bot") from exc
    problem = _stale(data.auth_date, now)
    if problem:
        raise Unauthorized(f"init_data is {problem}")
    if data.user is None:
        raise Unauthorized("init_data carries no user")
    return data


def _stale(auth_date: datetime, now: datetime | None) -> str | None:
    """Why data Telegram signed at `auth_date` is no longer taken, or None."""
    now = now or utcnow()
    if auth_date < now - INIT_DATA_MAX_AGE:
        return "older than a day; reopen the mini app"
    if auth_date > now + INIT_DATA_FUTURE_SKEW:
        return "dated in the future"
    return None


def validate_contact(
    settings: Settings, contact: str, user_id: int, *, now: datetime | None = None
) -> str:
    """The phone number of a `Telegram.WebApp.requestContact` result, checked as initData is
    (Telegram signs it the same way) and refused unless it is the contact of `user_id` itself.
    Refuses with a 400 naming `contact`."""
    if not check_webapp_signature(settings.telegram_token, contact):
        raise BadRequest("contact is not signed by Telegram for this bot", field="contact")
    fields = dict(parse_qsl(contact))
    try:
        shared = json.loads(fields["contact"])
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        owner, phone = shared["user_id"], shared["phone_number"]
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise BadRequest("contact is not a requestContact result", field="contact") from exc
    problem = _stale(auth_date, now)
    if problem:
        raise BadRequest(f"contact is {problem}", field="contact")
    if owner != user_id or not isinstance(phone, str):
        raise BadRequest("contact is not the signed-in user's own", field="contact")
    return phone


def issue_token(settings: Settings, principal: Principal, *, now: datetime | None = None) -> str:
    """A signed panel token for `principal`, valid for `settings.jwt_ttl_s`."""
    now = now or utcnow()
    claims = {
        "sub": str(principal.telegram_id),
        "role": principal.role.value,
        "name": principal.name,
        "iat": now,
        "exp": now + timedelta(seconds=settings.jwt_ttl_s),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=JWT_ALGORITHM)


def read_token(settings: Settings, token: str | None) -> Principal:
    """The principal of a panel token; 401 when it is missing, forged, expired or malformed."""
    if not token:
        raise Unauthorized("this endpoint needs Authorization: Bearer <token>")
    claims = _claims(settings, token)
    purpose = claims.get("purpose")
    if purpose == LOGIN_PURPOSE:
        raise Unauthorized("a login link's token opens a session only through the exchange")
    if purpose is not None:
        raise Unauthorized("the token is not valid")
    return _principal(claims)


def _claims(settings: Settings, token: str) -> Mapping[str, Any]:
    claims = _verified_claims(settings.jwt_secret.get_secret_value(), token)
    if claims["exp"] <= time.time():
        raise Unauthorized("the token has expired; sign in again")
    return claims


# A token's signature is checked once: every request of a session carries the same token, and
# the check costs more than a cached answer (bench/README.md). Refusals are never remembered.
@functools.lru_cache(maxsize=4096)
def _verified_claims(secret: str, token: str) -> Mapping[str, Any]:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["sub", "role", "exp"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the token has expired; sign in again") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("the token is not valid") from exc
    return MappingProxyType(claims)


def _principal(claims: Mapping[str, Any]) -> Principal:
    try:
        return Principal(
            int(claims["sub"]),
            Actor(claims["role"]),
            str(claims.get("name", "")),
            float(claims["exp"]),
        )
    except (TypeError, ValueError) as exc:
        raise Unauthorized("the token is not valid") from exc


@dataclass(frozen=True, slots=True)
class LoginToken:
    """A one-time login link's token, read: whom it signs in, its id, until when."""

    principal: Principal
    jti: str
    expires_at: datetime


def read_login_token(settings: Settings, token: str) -> LoginToken | None:
    """The login link a token is (None for a session token); 401 when it is forged, expired
    (the link's 10 minutes are over) or malformed."""
    try:
        claims = _claims(settings, token)
    except Unauthorized:
        if _unverified_purpose(token) == LOGIN_PURPOSE:
            raise Unauthorized(
                "this link has expired or is not valid; ask the bot for a new one"
            ) from None
        raise
    if claims.get("purpose") != LOGIN_PURPOSE:
        return None
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise Unauthorized("the token is not valid")
    return LoginToken(_principal(claims), jti, datetime.fromtimestamp(claims["exp"], UTC))


def _unverified_purpose(token: str) -> object:
    try:
        return jwt.decode(token, options={"verify_signature": False}).get("purpose")
    except jwt.InvalidTokenError:
        return None


async def confirmed_principal(request: web.Request, token: str | None) -> Principal:
    """The principal of a panel token whose role is still its person's role (the database's
    word, at most ROLE_TTL_S old): 401 when the token is missing or not valid, or when the
    person's role changed since (deactivated, or made staff: they sign in again)."""
    principal = read_token(request.config_dict[SERVICES].settings, token)
    if await request.config_dict[ROLE_BOOK].role(principal.telegram_id) != principal.role:
        raise Unauthorized("your access has changed since you signed in; sign in again")
    return principal


CALLER = web.RequestKey("caller", Principal | Unauthorized)


@web.middleware
async def caller_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Who calls, settled once per request before anything counts or serves them: the
    confirmed principal of a bearer panel token, or why it is refused. The integration token
    is no panel token: routes that take it check it themselves."""
    token = bearer_token(request)
    if token and not is_integration(request):
        try:
            request[CALLER] = await confirmed_principal(request, token)
        except Unauthorized as refusal:
            request[CALLER] = refusal
    return await handler(request)


def require_role(request: web.Request, *roles: str) -> Principal:
    """The caller, if its bearer token carries one of `roles` (any role when none are named)
    and the person still has that role: 401 without a valid token, 403 with the wrong role."""
    caller = request.get(CALLER)
    if caller is None:
        raise Unauthorized("this endpoint needs Authorization: Bearer <token>")
    if isinstance(caller, Unauthorized):
        raise caller
    if roles and caller.role.value not in roles:
        raise ForbiddenRole(f"this endpoint is for: {', '.join(roles)}")
    return caller
