"""Staff administration for admins: the list of managers and psychologists,
invite links, deactivation and reactivation. The rules live in domain.people.staff."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiogram.exceptions import TelegramAPIError
from aiohttp import web
from pydantic import BaseModel, Field

from db.enums import Actor, InviteRole
from domain.people import staff
from webapp.api.schemas import Strict, json_answer, path_id
from webapp.auth import require_role
from webapp.errors import error_response, wire_fields
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()
TAGS = ("staff",)
MANAGER = "/api/v1/staff/managers/{id:\\d+}"
PSYCHOLOGIST = "/api/v1/staff/psychologists/{id:\\d+}"
ADMINS_ONLY = {401: "no valid token", 403: "not an admin"}


class StaffManagerOut(BaseModel):
    """A manager; `role` is admin for an admin, by their row or by ADMIN_IDS."""

    id: int
    telegram_id: int
    name: str
    role: Literal["manager", "admin"]
    active: bool


class StaffPsychologistOut(BaseModel):
    """A psychologist."""

    id: int
    telegram_id: int | None
    name: str
    active: bool


class StaffOut(BaseModel):
    """Every manager and psychologist, active or not, by name."""

    managers: list[StaffManagerOut]
    psychologists: list[StaffPsychologistOut]


class InviteIn(Strict):
    role: Literal["manager", "psychologist"]


class InviteOut(BaseModel):
    """A single-use invite: whoever opens `link` (its /start payload ends with `code`) joins
    with the role, until `expires_at`."""

    code: str
    link: str
    expires_at: datetime


class ActiveIn(Strict):
    active: bool = Field(strict=True, description="false deactivates, true reactivates")


def _admin(request: web.Request) -> staff.Admin:
    principal = require_role(request, Actor.ADMIN.value)
    admin_ids = request.config_dict[SERVICES].settings.admin_ids
    return staff.Admin.of(principal.telegram_id, admin_ids)


def _answer(model: type[BaseModel], found: object, status: int = 200) -> web.Response:
    """The domain's dataclass, through its answer model (which checks the shape)."""
    return json_answer(model.model_validate(found, from_attributes=True).model_dump(), status)


@routes.get("/api/v1/staff")
@documented(
    "Managers and psychologists, active or not (admins)",
    responses={200: StaffOut, **ADMINS_ONLY},
    tags=TAGS,
    secured=True,
)
async def list_staff(request: web.Request) -> web.Response:
    return _answer(StaffOut, await staff.list_staff(_admin(request)))


@routes.post("/api/v1/staff/invites")
@documented(
    "A single-use invite link for a new manager or psychologist, valid 24 hours (admins)",
    body=InviteIn,
    responses={
        201: InviteOut,
        400: "bad body",
        **ADMINS_ONLY,
        503: "the bot is out of reach, so no link can be made",
    },
    tags=TAGS,
    secured=True,
)
async def create_invite(request: web.Request) -> web.Response:
    admin = _admin(request)
    body = await parse_body(request, InviteIn)
    bot = request.config_dict[SERVICES].bot
    try:
        # The link names the bot; aiogram asks Telegram once and remembers the answer.
        username = (await bot.me()).username if bot is not None else None
    except TelegramAPIError:
        username = None
    if not username:
        return error_response(
            503, "unavailable", "the bot is out of reach, so no invite link can be made"
        )
    issued = await staff.invite(admin, InviteRole(body.role), username)
    return _answer(InviteOut, issued, status=201)


@routes.patch(MANAGER)
@documented(
    "Deactivate or reactivate a manager (admins); a deactivated one loses access at once",
    body=ActiveIn,
    responses={
        200: StaffManagerOut,
        400: "bad body",
        **ADMINS_ONLY,
        404: "no such manager",
        409: "the admin themselves, or an admin by ADMIN_IDS",
    },
    tags=TAGS,
    secured=True,
)
async def update_manager(request: web.Request) -> web.Response:
    admin = _admin(request)
    body = await parse_body(request, ActiveIn)
    with wire_fields(manager_id="id"):
        entry = await staff.set_manager_active(admin, path_id(request), body.active)
    return _answer(StaffManagerOut, entry)


@routes.patch(PSYCHOLOGIST)
@documented(
    "Deactivate or reactivate a psychologist (admins); booked sessions stay, their future "
    "open slots are removed",
    body=ActiveIn,
    responses={
        200: StaffPsychologistOut,
        400: "bad body",
        **ADMINS_ONLY,
        404: "no such psychologist",
    },
    tags=TAGS,
    secured=True,
)
async def update_psychologist(request: web.Request) -> web.Response:
    admin = _admin(request)
    body = await parse_body(request, ActiveIn)
    with wire_fields(psychologist_id="id"):
        entry = await staff.set_psychologist_active(admin, path_id(request), body.active)
    return _answer(StaffPsychologistOut, entry)
