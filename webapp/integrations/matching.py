"""Matching: the top-3 most free start times, the assignment coefficient, automatch."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.booking import conference, matching
from domain.booking.matching import Match
from domain.entities import LEAD_NUMBER_MAX_LENGTH
from domain.tickets.leads import ClientSpec
from domain.timerules import MSK, utcnow
from webapp import patterns
from webapp.api.schemas import Text
from webapp.conference_providers import provider_chain
from webapp.contract import JsonData
from webapp.errors import wire_fields
from webapp.integrations.common import (
    ListText,
    Name,
    SlotList,
    TelegramId,
    Username,
    integration,
    names,
    slot_text,
)
from webapp.integrations.timetext import parse_slot_list
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import BadRequest, parse_body, parse_query

routes = web.RouteTableDef()
TAGS = ("legacy: matching",)
LEAD_KEYS = ("lead_number", "ticket_id", "ticket", "number")
MAX_LEAD_LENGTH = LEAD_NUMBER_MAX_LENGTH
# A lead number in ticket_info: a text of at most MAX_LEAD_LENGTH characters once stripped, or
# a number as long written; null is no number.
LEAD_NUMBER = {
    "anyOf": [
        {"type": "null"},
        {
            "type": "integer",
            "minimum": 1 - 10 ** (MAX_LEAD_LENGTH - 1),
            "maximum": 10**MAX_LEAD_LENGTH - 1,
        },
        {
            "type": "string",
            "pattern": patterns.stripped(
                f"(?:{patterns.SOLID}(?:{patterns.CHAR}{{0,{MAX_LEAD_LENGTH - 2}}}"
                f"{patterns.SOLID})?)?",
                python=True,
            ),
        },
    ]
}
# slot ids (digits) separated by ;
SLOT_IDS = patterns.separated("[0-9]{1,9}", ";")


class GeneralSlotsBody(BaseModel):
    psychologist_list: ListText = Field(description="«Имя Фамилия» names, comma-separated")


class GeneralSlots(BaseModel):
    """Top 3 start times by how many of the psychologists are free then."""

    formated_result: str


class CoefficientQuery(BaseModel):
    psychologist_name: Name


class CoefficientOut(BaseModel):
    """(monthly limit - sessions booked or held this month) / monthly limit."""

    psychologist: str
    monthly_limit: int
    sessions_this_month: int
    remaining: int
    coefficient: float


class ClientInfo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [key], "properties": {key: {"not": {"type": "null"}}}}
                for key in ("telegram_id", "user_id")
            ],
            "x-reason": "client_info needs telegram_id (or user_id)",
        }
    )

    telegram_id: TelegramId | None = None
    user_id: TelegramId | None = None
    name: Text = ""
    username: Username | None = None

    @model_validator(mode="after")
    def _has_telegram_id(self) -> ClientInfo:
        if self.telegram_id is None and self.user_id is None:
            raise ValueError("client_info needs telegram_id (or user_id)")
        return self

    def spec(self) -> ClientSpec:
        telegram_id = self.telegram_id or self.user_id
        assert telegram_id is not None  # checked by the validator
        return ClientSpec(telegram_id, self.name, self.username)


class AutomatchBody(BaseModel):
    psychologists: ListText = Field(description="names separated by ;")
    slots: SlotList = Field(description="«DD.MM HH:mm» (MSK) separated by ;")
    ticket_info: dict[str, JsonData] = Field(
        default_factory=dict,
        description=f"the lead's data; its number under one of {', '.join(LEAD_KEYS)}",
        json_schema_extra={"properties": dict.fromkeys(LEAD_KEYS, LEAD_NUMBER)},
    )
    client_info: ClientInfo
    slots_id: str = Field(
        default="", max_length=5000, pattern=SLOT_IDS, description="slot ids separated by ;"
    )


class MatchOut(BaseModel):
    """The booking that was made."""

    lead_number: str
    psychologist: str
    slot: str
    meeting_link: str
    appointment_id: int


def lead_number_of(ticket_info: dict[str, JsonData]) -> tuple[str | None, dict[str, JsonData]]:
    """The lead number an integration put into ticket_info (the first one given), and the
    rest of it."""
    rest = dict(ticket_info)
    found = [(key, rest.pop(key)) for key in LEAD_KEYS if key in rest]
    given = [(key, str(value).strip()) for key, value in found if value is not None]
    for key, number in given:
        if len(number) > MAX_LEAD_LENGTH:
            raise BadRequest(f"at most {MAX_LEAD_LENGTH} characters", field=f"ticket_info.{key}")
    return next((number for _, number in given if number), None), rest


def slot_ids(text: str) -> list[int]:
    items = [item.strip() for item in text.split(";") if item.strip()]
    if not all(item.isascii() and item.isdigit() and len(item) < 10 for item in items):
        raise BadRequest("expected slot ids (digits) separated by ;", field="slots_id")
    return [int(item) for item in items]


async def with_link(request: web.Request, match: Match) -> MatchOut:
    """The match with its video link, created through the provider chain if it has none."""
    async with provider_chain(request.config_dict[SERVICES].settings) as providers:
        appointment, _ = await conference.ensure_link(
            match.appointment, providers, integration(request)
        )
    return MatchOut(
        lead_number=match.lead_number,
        psychologist=match.psychologist,
        slot=slot_text(match.starts_at),
        meeting_link=appointment.meeting_link,
        appointment_id=appointment.id,
    )


@routes.post("/get_general_slots")
@documented(
    "Top 3 start times at which most of the named psychologists are free",
    body=GeneralSlotsBody,
    responses={200: GeneralSlots, 404: "unknown psychologist"},
    tags=TAGS,
)
async def get_general_slots(request: web.Request) -> web.Response:
    body = await parse_body(request, GeneralSlotsBody)
    with wire_fields(names="psychologist_list"):
        text = await matching.top_free_text(names(body.psychologist_list))
    return web.json_response(GeneralSlots(formated_result=text).model_dump())


@routes.get("/get-assigment-coeff")
@documented(
    "A psychologist's sessions left this month and the assignment coefficient",
    query=CoefficientQuery,
    responses={200: CoefficientOut, 404: "unknown psychologist"},
    tags=TAGS,
)
async def get_assignment_coefficient(request: web.Request) -> web.Response:
    query = parse_query(request, CoefficientQuery)
    with wire_fields(name="psychologist_name"):
        found = await matching.coefficient_of(query.psychologist_name)
    answer = CoefficientOut(
        psychologist=found.psychologist,
        monthly_limit=found.monthly_limit,
        sessions_this_month=found.used,
        remaining=found.remaining,
        coefficient=found.value,
    )
    return web.json_response(answer.model_dump())


@routes.post("/automatch")
@documented(
    "Book the client with the most available named psychologist at the earliest named slot",
    body=AutomatchBody,
    responses={
        200: MatchOut,
        401: "no token",
        404: "unknown psychologist",
        409: "nobody named is free at any named slot",
    },
    tags=TAGS,
    secured=True,
)
async def automatch(request: web.Request) -> web.Response:
    initiator = integration(request)
    body = await parse_body(request, AutomatchBody)
    lead_number, ticket_info = lead_number_of(body.ticket_info)
    with wire_fields(names="psychologists"):
        match = await matching.automatch(
            names(body.psychologists),
            parse_slot_list(body.slots, utcnow(), MSK),
            slot_ids(body.slots_id),
            body.client_info.spec(),
            ticket_info=ticket_info,
            initiator=initiator,
            lead_number=lead_number,
        )
    return web.json_response((await with_link(request, match)).model_dump())
