"""Planning the events of a booking create or replace; the runner executes them."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from domain.booking.conference import WEB_LINK
from domain.followup import plan_requests
from domain.followup.plan_requests import PlannedEvents, SlotFacts
from domain.timerules import MSK
from webapp import patterns
from webapp.api.schemas import Text
from webapp.errors import wire_fields
from webapp.integrations.common import Name, RecordId, integration
from webapp.integrations.timetext import parse_date, parse_hhmm
from webapp.openapi import documented
from webapp.validation import BadRequest, parse_body

routes = web.RouteTableDef()
TAGS = ("legacy: events",)


class EventSwitches(BaseModel):
    confirmation: bool = False
    reminder_22h: bool = False
    reminder_21h: bool = False
    auto_cancel: bool = False


class PlanEventsBody(BaseModel):
    slot_id: RecordId
    events: EventSwitches


class PlanClientEventsBody(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            # date and time go together: both given, or neither (null is not given)
            "anyOf": [
                {"properties": {"date": {"type": "null"}, "time": {"type": "null"}}},
                {
                    "required": ["date", "time"],
                    "properties": {"date": {"type": "string"}, "time": {"type": "string"}},
                },
            ],
            "x-reason": "date and time go together",
            "x-field": "date",
        }
    )

    id: RecordId = Field(description="the slot id")
    psychologist: Name | None = None
    date: Text | None = Field(
        default=None,
        pattern=patterns.stripped(patterns.ISO_DATE),
        description="YYYY-MM-DD (MSK)",
    )
    time: Text | None = Field(
        default=None, pattern=patterns.stripped(patterns.CLOCK), description="HH:mm (MSK)"
    )
    state: Text | None = None
    ticket: Text | None = None
    meeting_link: str = Field(
        default="",
        max_length=500,
        pattern=f"^(?:{WEB_LINK})?$",
        description="an http(s) URL (or empty: no link yet)",
    )
    meeting_id: str = Field(default="", max_length=200)
    calendar_meeting_id: str = Field(default="", max_length=200)
    confirmed: bool = False
    auto_assigned: bool = False
    auto_canceled: bool = False


class PlannedOut(BaseModel):
    """The events now planned for the booking in the slot: kind -> due time (ISO 8601)."""

    slot_id: int
    appointment_id: int
    events: dict[str, str]


def _answer(slot_id: int, planned: PlannedEvents) -> web.Response:
    answer = PlannedOut(
        slot_id=slot_id,
        appointment_id=planned.appointment.id,
        events={kind.value: due.isoformat() for kind, due in sorted(planned.events.items())},
    )
    return web.json_response(answer.model_dump())


@routes.post("/plan-events")
@documented(
    "Plan the confirmation chain of the booking in a slot (switched-on events at their times)",
    body=PlanEventsBody,
    responses={200: PlannedOut, 401: "no token", 404: "no booking in the slot"},
    tags=TAGS,
    secured=True,
)
async def plan_events(request: web.Request) -> web.Response:
    initiator = integration(request)
    body = await parse_body(request, PlanEventsBody)
    planned = await plan_requests.plan_events(body.slot_id, body.events.model_dump(), initiator)
    return _answer(body.slot_id, planned)


@routes.post("/plan-client-events")
@documented(
    "Create or replace every planned event of the client's booking in the slot `id`",
    body=PlanClientEventsBody,
    responses={
        200: PlannedOut,
        400: "the meeting link is not http(s)",
        401: "no token",
        404: "no booking in the slot",
        409: "the slot's psychologist or time differs",
    },
    tags=TAGS,
    secured=True,
)
async def plan_client_events(request: web.Request) -> web.Response:
    initiator = integration(request)
    body = await parse_body(request, PlanClientEventsBody)
    starts_at: datetime | None = None
    if (body.date is None) != (body.time is None):
        raise BadRequest(
            "date and time go together", field="time" if body.time is None else "date"
        )
    if body.date is not None and body.time is not None:
        day, clock = parse_date(body.date, "date"), parse_hhmm(body.time, "time")
        starts_at = datetime.combine(day, clock, tzinfo=MSK).astimezone(UTC)
    facts = SlotFacts(
        psychologist=body.psychologist,
        starts_at=starts_at,
        meeting_link=body.meeting_link.strip(),
        meeting_id=body.meeting_id.strip(),
        calendar_meeting_id=body.calendar_meeting_id.strip(),
        confirmed=body.confirmed,
    )
    with wire_fields(starts_at="time"):
        planned = await plan_requests.plan_client_events(body.id, facts, initiator)
    return _answer(body.id, planned)
