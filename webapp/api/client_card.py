"""The client card for staff: a client's sessions, late cancels and no-shows, reviews and
notes; adding a note; finding a client by name or phone. The rules live in
domain.people.client_card."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field, RootModel

from domain.people import client_card
from domain.values import AppointmentStatus, ClientSource, ReviewAuthor
from webapp import patterns
from webapp.api.schemas import Instant, Strict, model_answer, path_id
from webapp.auth import STAFF, require_role
from webapp.errors import wire_fields
from webapp.openapi import documented
from webapp.validation import parse_body, parse_query

routes = web.RouteTableDef()
TAGS = ("clients",)
STAFF_ONLY = {401: "no valid token", 403: "not a manager"}


class ClientProfileOut(BaseModel):
    """A client as staff see them; `unreachable`: the client blocked the bot."""

    id: int
    name: str
    phone: str | None
    phone_verified: bool
    telegram_id: int | None
    username: str | None
    timezone: str = Field(description="the client's IANA time zone")
    language: str
    source: ClientSource
    unreachable: bool
    created_at: Instant


class ClientPsychologistOut(BaseModel):
    id: int
    name: str


class ClientSessionOut(BaseModel):
    """One of the client's appointments."""

    id: int
    starts_at: Instant
    status: AppointmentStatus
    psychologist: ClientPsychologistOut
    price: int | None
    confirmed: bool
    late_cancel: bool = Field(description="cancelled by the client shortly before the start")
    cancel_reason: str | None

    @classmethod
    def of(cls, session: client_card.ClientSession) -> ClientSessionOut:
        return cls.model_validate(
            {
                **{
                    name: getattr(session, name)
                    for name in cls.model_fields
                    if name != "psychologist"
                },
                "psychologist": {
                    "id": session.psychologist_id,
                    "name": session.psychologist_name,
                },
            }
        )


class SessionReviewOut(BaseModel):
    """What the client or the psychologist said of a session."""

    appointment_id: int
    author: ReviewAuthor
    rating: int | None
    text: str
    created_at: Instant


class NoteOut(BaseModel):
    """A staff member's note on a client (never shown to the client)."""

    id: int
    text: str
    author: str = Field(description="the staff member's name")
    created_at: Instant

    @classmethod
    def of(cls, note: client_card.Note) -> NoteOut:
        return cls(id=note.id, text=note.text, author=note.author_name, created_at=note.created_at)


class ClientCardOut(BaseModel):
    """A client, their sessions (the latest first), reviews and notes (the latest first)."""

    client: ClientProfileOut
    appointments: list[ClientSessionOut]
    reviews: list[SessionReviewOut]
    notes: list[NoteOut]
    late_cancellations: int
    no_shows: int


class ClientProfiles(RootModel[list[ClientProfileOut]]):
    """Clients found, by name."""


class NoteIn(Strict):
    text: str = Field(
        max_length=client_card.MAX_NOTE_LENGTH,
        # The domain trims as str.strip() does (the separators U+001C..U+001F too), which
        # pydantic's stripping and a plain minLength would not say.
        json_schema_extra={
            "allOf": [
                {
                    "not": {
                        "pattern": f"^{patterns.PY_SPACE}*$",
                        "x-reason": "a note needs a character besides whitespace",
                    }
                }
            ]
        },
    )


class ClientSearchQuery(Strict):
    query: str = Field(
        min_length=2, max_length=100, description="a part of the name, or of the phone's digits"
    )


@routes.get("/api/v1/clients/{id:\\d+}/card")
@documented(
    "A client's card for staff: contact state, sessions with late cancels and no-shows "
    "counted, reviews, staff notes",
    responses={200: ClientCardOut, **STAFF_ONLY, 404: "no such client"},
    tags=TAGS,
    secured=True,
)
async def client_card_route(request: web.Request) -> web.Response:
    require_role(request, *STAFF)
    with wire_fields(client_id="id"):
        found = await client_card.card(path_id(request))
    return model_answer(
        ClientCardOut,
        {
            "client": found.client,
            "appointments": [ClientSessionOut.of(session) for session in found.appointments],
            "reviews": found.reviews,
            "notes": [NoteOut.of(note) for note in found.notes],
            "late_cancellations": found.late_cancellations,
            "no_shows": found.no_shows,
        },
    )


@routes.post("/api/v1/clients/{id:\\d+}/notes")
@documented(
    "Add a staff note to a client (staff only, audited)",
    body=NoteIn,
    responses={201: NoteOut, 400: "bad body", **STAFF_ONLY, 404: "no such client"},
    tags=TAGS,
    secured=True,
)
async def add_note(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    body = await parse_body(request, NoteIn)
    with wire_fields(client_id="id"):
        note = await client_card.add_note(path_id(request), body.text, principal.initiator())
    return model_answer(NoteOut, NoteOut.of(note), status=201)


@routes.get("/api/v1/clients")
@documented(
    "Clients whose name contains the query (any case) or whose phone contains its digits "
    "(any writing), by name, at most 20",
    query=ClientSearchQuery,
    responses={200: ClientProfiles, 400: "bad query", **STAFF_ONLY},
    tags=TAGS,
    secured=True,
)
async def search_clients(request: web.Request) -> web.Response:
    require_role(request, *STAFF)
    query = parse_query(request, ClientSearchQuery)
    return model_answer(ClientProfiles, await client_card.search(query.query))
