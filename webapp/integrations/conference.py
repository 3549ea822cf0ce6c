"""`POST /generate-conference-link`: the session's video link (Zoom, Google Meet, Jitsi)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from domain.booking import conference
from domain.errors import NotFound
from domain.tickets import leads
from webapp import patterns
from webapp.conference_providers import provider_chain
from webapp.integrations.common import LeadText, RecordId, integration
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import BadRequest, parse_body

routes = web.RouteTableDef()
TAGS = ("legacy: conference",)


class ConferenceBody(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["slot_id"], "properties": {"slot_id": {"not": {"type": "null"}}}},
                {
                    "required": ["lead_number"],
                    "properties": {"lead_number": {"type": "string", "pattern": patterns.KEPT}},
                },
            ],
            "x-reason": "give slot_id or lead_number",
            "x-field": "slot_id",
        }
    )

    slot_id: RecordId | None = Field(default=None, description="the booked slot")
    lead_number: LeadText | None = Field(default=None, description="or the lead booked into it")


class ConferenceOut(BaseModel):
    """The session's link; `provider` is "existing" when the session already had one."""

    appointment_id: int
    meeting_link: str
    meeting_id: str
    calendar_meeting_id: str
    provider: str


@routes.post("/generate-conference-link")
@documented(
    "The video link of a booked session: Zoom first, Google Meet on a conflict or recurring "
    "meeting there, Jitsi with neither; an existing link is kept",
    body=ConferenceBody,
    responses={200: ConferenceOut, 401: "no token", 404: "no booking"},
    tags=TAGS,
    secured=True,
)
async def generate_conference_link(request: web.Request) -> web.Response:
    initiator = integration(request)
    body = await parse_body(request, ConferenceBody)
    if body.slot_id is not None:
        appointment = await leads.appointment_in_slot(body.slot_id)
    elif not body.lead_number:
        raise BadRequest("give slot_id or lead_number", field="slot_id")
    else:
        ticket = await leads.by_number(body.lead_number)
        found = await leads.active_appointment(ticket.id)
        if found is None:
            raise NotFound("the lead has no active booking", field="lead_number")
        appointment = found
    async with provider_chain(request.config_dict[SERVICES].settings) as providers:
        appointment, provider = await conference.ensure_link(appointment, providers, initiator)
    answer = ConferenceOut(
        appointment_id=appointment.id,
        meeting_link=appointment.meeting_link,
        meeting_id=appointment.meeting_id,
        calendar_meeting_id=appointment.calendar_meeting_id,
        provider=provider,
    )
    return web.json_response(answer.model_dump())
