"""Reassignment: move a lead's client to another time or psychologist, and what
the integration shows the client to choose from."""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from domain.booking import reassignment
from domain.tickets import leads
from domain.timerules import MSK, utcnow
from webapp.errors import wire_fields
from webapp.integrations.common import (
    OFFSET,
    LeadNumber,
    ListText,
    SlotList,
    integration,
    names,
)
from webapp.integrations.matching import MatchOut, with_link
from webapp.integrations.tickets import TicketOut, ticket_out
from webapp.integrations.timetext import offset_zone, parse_offset, parse_slot_list
from webapp.openapi import documented
from webapp.validation import parse_body, parse_query

routes = web.RouteTableDef()
TAGS = ("legacy: reassignment",)


class ReassignBody(BaseModel):
    lead_number: LeadNumber
    filtered_psychologists: ListText = Field(description="names, comma-separated")
    slots: SlotList = Field(description="«DD.MM HH:mm;DD.MM HH:mm» (MSK)")
    queries: str = Field(default="", alias="_queries", max_length=5000)


class ReassignOut(MatchOut):
    """The booking under the new lead, which points at the previous one."""

    previous_lead_number: str


class ScheduleQuery(BaseModel):
    lead_number: LeadNumber
    mode: Literal["time", "psychologist"]
    userTimeOffsetMsk: str | None = Field(
        default=None, pattern=OFFSET, description="hours from MSK, a multiple of 0.25 (2.5)"
    )


class LeadQuery(BaseModel):
    lead_number: LeadNumber


class ReassignmentSchedule(TicketOut):
    """The lead, the psychologists to choose from and their four weekly texts."""

    mode: str
    candidates: list[str]
    res: list[str]


@routes.post("/reassign")
@documented(
    "Reassign a lead's client: the most available named psychologist at the earliest named "
    "slot; an active session moves and keeps its video link",
    body=ReassignBody,
    responses={
        200: ReassignOut,
        401: "no token",
        404: "unknown lead or psychologist",
        409: "nobody named is free at any named slot",
    },
    tags=TAGS,
    secured=True,
)
async def reassign(request: web.Request) -> web.Response:
    initiator = integration(request)
    body = await parse_body(request, ReassignBody)
    starts = parse_slot_list(body.slots, utcnow(), MSK)
    named = "filtered_psychologists"
    with wire_fields(names=named, psychologist_ids=named):
        chosen = await reassignment.psychologist_ids_by_name(names(body.filtered_psychologists))
        match, previous = await reassignment.reassign(
            body.lead_number, chosen, starts, leads.split_list(body.queries, ";"), initiator
        )
    linked = await with_link(request, match)
    return web.json_response(
        ReassignOut(**linked.model_dump(), previous_lead_number=previous).model_dump()
    )


async def _schedule(request: web.Request) -> web.Response:
    integration(request)
    query = parse_query(request, ScheduleQuery)
    zone = offset_zone(parse_offset(query.userTimeOffsetMsk))
    view = await reassignment.reassignment_view(query.lead_number, query.mode, zone)
    answer = ReassignmentSchedule(
        **ticket_out(view.ticket).model_dump(),
        mode=view.mode,
        candidates=view.psychologists,
        res=view.texts,
    )
    return web.json_response(answer.model_dump(mode="json"))


SCHEDULE_DOC = documented(
    "A lead and the schedule to choose from: mode time = its psychologist's weeks, "
    "mode psychologist = the other psychologists' weeks together",
    query=ScheduleQuery,
    responses={200: ReassignmentSchedule, 401: "no token", 404: "unknown lead"},
    tags=TAGS,
    secured=True,
)


@routes.get("/get-reassignment-schedule")
@SCHEDULE_DOC
async def get_reassignment_schedule(request: web.Request) -> web.Response:
    return await _schedule(request)


@routes.get("/get-ticket-info-for-reassigment")
@SCHEDULE_DOC
async def get_ticket_info_for_reassignment(request: web.Request) -> web.Response:
    return await _schedule(request)


@routes.get("/get-ticket-info-for-reassigment-without-schedule")
@documented(
    "A lead's data for reassignment, without a schedule",
    query=LeadQuery,
    responses={200: TicketOut, 401: "no token", 404: "unknown lead"},
    tags=TAGS,
    secured=True,
)
async def get_ticket_info_without_schedule(request: web.Request) -> web.Response:
    integration(request)
    query = parse_query(request, LeadQuery)
    view = await leads.describe(await leads.by_number(query.lead_number))
    return web.json_response(ticket_out(view).model_dump(mode="json"))
