"""The waitlist: a client joins the line for a time (with one psychologist or any who works with
their request), sees its entries with their places and any open offer, leaves; the staff see
the whole line. The offers themselves come by the bot (domain.booking.waitlist_offers)."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, Field

from domain.booking import waitlist
from domain.booking.waitlist import Place, Window
from domain.values import WaitlistState
from webapp import patterns
from webapp.api.booking import caller_client
from webapp.api.schemas import Instant, Strict, model_answer, optional_id, path_id
from webapp.auth import STAFF, require_role
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()
Weekday = Annotated[int, Field(ge=0, le=6)]
TAGS = ("waitlist",)


def _minute(text: str | None) -> int | None:
    if text is None:
        return None
    clock = time.fromisoformat(text)
    return clock.hour * 60 + clock.minute


def _clock(minute: int | None) -> str | None:
    return None if minute is None else f"{minute // 60:02d}:{minute % 60:02d}"


class WaitlistIn(Strict):
    """What to wait for; days and times in the client's zone."""

    psychologist_id: int | None = optional_id()
    date_from: date
    date_to: date = Field(description="at least date_from, at most 90 days from today")
    weekdays: list[Weekday] = Field(
        default_factory=list, max_length=7, description="0 is Monday; empty: any day"
    )
    time_from: str | None = Field(
        default=None, pattern=f"^{patterns.HOUR_MINUTE}$", description="HH:MM, earliest start"
    )
    time_to: str | None = Field(
        default=None, pattern=f"^{patterns.HOUR_MINUTE}$", description="HH:MM, latest start"
    )


class JoinedOut(BaseModel):
    """The entry and its place in line (1: the first)."""

    id: int
    position: int


class OfferOut(BaseModel):
    """A time held for the client until `expires_at`: the bot's button books it."""

    id: int
    slot_id: int
    starts_at: Instant
    expires_at: Instant


class EntryOut(BaseModel):
    id: int
    client_id: int
    client: str
    psychologist_id: int | None = Field(description="null: any who works with the request")
    psychologist: str | None
    date_from: date
    date_to: date
    weekdays: list[int]
    time_from: str | None
    time_to: str | None
    timezone: str
    state: WaitlistState
    position: int | None
    created_at: Instant
    offer: OfferOut | None


class EntryList(BaseModel):
    entries: list[EntryOut]


def _entry(place: Place) -> EntryOut:
    window, offer = place.window, place.offer
    return EntryOut(
        id=place.entry_id,
        client_id=place.client_id,
        client=place.client_name,
        psychologist_id=place.psychologist_id,
        psychologist=place.psychologist_name,
        date_from=window.date_from,
        date_to=window.date_to,
        weekdays=list(window.weekdays),
        time_from=_clock(window.minute_from),
        time_to=_clock(window.minute_to),
        timezone=place.timezone,
        state=place.state,
        position=place.position,
        created_at=place.created_at,
        offer=OfferOut(
            id=offer.offer_id,
            slot_id=offer.slot_id,
            starts_at=offer.starts_at,
            expires_at=offer.expires_at,
        )
        if offer
        else None,
    )


def _list(places: list[Place]) -> web.Response:
    return model_answer(EntryList, {"entries": [_entry(place) for place in places]})


@routes.post("/api/v1/waitlist")
@documented(
    "Wait in line for a time: with one psychologist, or (none given) any who works with the "
    "client's latest request; days date_from..date_to, weekdays and start times in the "
    "client's zone. The first in line is offered a matching free time by the bot",
    body=WaitlistIn,
    responses={
        201: JoinedOut,
        400: "malformed input; the field is named",
        404: "no such psychologist",
        409: "a window nobody can wait in (window_refused, the field named): date_from in the "
        "past, date_to before date_from or more than 90 days ahead, time_to before time_from",
    },
    tags=TAGS,
    secured=True,
)
async def join(request: web.Request) -> web.Response:
    _, client = await caller_client(request)
    body = await parse_body(request, WaitlistIn)
    window = Window(
        body.date_from,
        body.date_to,
        tuple(body.weekdays),
        _minute(body.time_from),
        _minute(body.time_to),
    )
    entry_id, position = await waitlist.join(client.id, body.psychologist_id, window)
    return model_answer(JoinedOut, JoinedOut(id=entry_id, position=position), status=201)


@routes.get("/api/v1/waitlist/my")
@documented(
    "The caller's entries in line, first joined first, with their places and open offers",
    responses={200: EntryList},
    tags=TAGS,
    secured=True,
)
async def my_entries(request: web.Request) -> web.Response:
    _, client = await caller_client(request)
    return _list(await waitlist.mine(client.id))


@routes.delete("/api/v1/waitlist/{id:\\d+}")
@documented(
    "Leave the line; a time held by an open offer is given back",
    responses={204: "left", 404: "no such entry in line among the caller's"},
    tags=TAGS,
    secured=True,
)
async def leave(request: web.Request) -> web.Response:
    _, client = await caller_client(request)
    await waitlist.leave(client.id, path_id(request))
    return web.Response(status=204)


@routes.get("/api/v1/waitlist")
@documented(
    "The whole line, first in line first (managers and admins)",
    responses={200: EntryList},
    tags=TAGS,
    secured=True,
)
async def queue(request: web.Request) -> web.Response:
    require_role(request, *STAFF)
    return _list(await waitlist.queue())
