"""A psychologist's slots by schedule secret: add, delete, the ticket of a slot."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aiohttp import web
from pydantic import BaseModel, Field

from domain.schedule import slots
from domain.tickets import leads
from domain.timerules import MSK, utcnow
from webapp import patterns
from webapp.api.schemas import Text
from webapp.errors import wire_fields
from webapp.integrations.common import Secret, psychologist_by_secret, slot_text
from webapp.integrations.tickets import TicketOut, ticket_out
from webapp.integrations.timetext import parse_day_month, parse_hhmm, parse_slot
from webapp.openapi import documented
from webapp.validation import parse_body, parse_query

routes = web.RouteTableDef()
TAGS = ("legacy: slots",)


class SlotChange(BaseModel):
    secret: Secret
    slot: Text = Field(pattern=patterns.stripped(patterns.SLOT), description="DD.MM HH:mm (MSK)")


class SlotAnswer(BaseModel):
    """The slot as the psychologist sees it."""

    id: int
    slot: str
    starts_at: str
    state: str


class SlotDeleted(BaseModel):
    """The slot that was removed, «DD.MM HH:mm» (MSK)."""

    deleted: bool
    slot: str


class TicketForSlotQuery(BaseModel):
    secret: Secret
    date: Text = Field(pattern=patterns.stripped(patterns.DAY_MONTH), description="DD.MM")
    time: Text = Field(pattern=patterns.stripped(patterns.CLOCK), description="HH:mm (MSK)")


@routes.post("/add-slot")
@documented(
    "Add a free slot «DD.MM HH:mm» (MSK) to the schedule of the secret's psychologist",
    body=SlotChange,
    responses={
        201: SlotAnswer,
        401: "unknown secret",
        404: "the day does not exist this year (29.02)",
        409: "past time, duplicate or overlapping slot",
    },
    tags=TAGS,
)
async def add_slot(request: web.Request) -> web.Response:
    body = await parse_body(request, SlotChange)
    psychologist = await psychologist_by_secret(body.secret)
    starts_at = parse_slot(body.slot, utcnow(), MSK)
    slot = await slots.add_slot(psychologist.id, starts_at)
    answer = SlotAnswer(
        id=slot.id,
        slot=slot_text(slot.starts_at),
        starts_at=slot.starts_at.isoformat(),
        state="free",
    )
    return web.json_response(answer.model_dump(), status=201)


@routes.post("/delete-slot")
@documented(
    "Remove a slot «DD.MM HH:mm» (MSK) of the secret's psychologist",
    body=SlotChange,
    responses={
        200: SlotDeleted,
        401: "unknown secret",
        404: "no such slot",
        409: "past time, or the slot is booked or being booked",
    },
    tags=TAGS,
)
async def delete_slot(request: web.Request) -> web.Response:
    body = await parse_body(request, SlotChange)
    psychologist = await psychologist_by_secret(body.secret)
    now = utcnow()
    starts_at = parse_slot(body.slot, now, MSK)
    await slots.remove_slot_at(psychologist.id, starts_at, now=now)
    return web.json_response(SlotDeleted(deleted=True, slot=slot_text(starts_at)).model_dump())


@routes.get("/get-ticket-for-slot")
@documented(
    "The ticket booked into the secret's psychologist's slot at date DD.MM, time HH:mm (MSK)",
    query=TicketForSlotQuery,
    responses={200: TicketOut, 401: "unknown secret", 404: "no slot or nobody booked"},
    tags=TAGS,
)
async def get_ticket_for_slot(request: web.Request) -> web.Response:
    query = parse_query(request, TicketForSlotQuery)
    psychologist = await psychologist_by_secret(query.secret)
    now = utcnow()
    day: date = parse_day_month(query.date, now.astimezone(MSK).date(), field="date")
    clock = parse_hhmm(query.time, field="time")
    starts_at = datetime.combine(day, clock, tzinfo=MSK).astimezone(UTC)
    with wire_fields(starts_at="time"):
        view = await leads.ticket_for_slot(psychologist.id, starts_at)
    return web.json_response(ticket_out(view).model_dump(mode="json"))
