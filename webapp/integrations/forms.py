"""Forms: funnel tracking, the psychologist's anketa (its model, webapp.api.anketa, is shared
with the psychologist's own /api/v1/editor/profile), client registration."""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, StringConstraints

from domain.entities import FormTracking
from domain.people import psychologists
from domain.tickets import leads
from webapp.api.anketa import Anketa
from webapp.errors import wire_fields
from webapp.integrations.common import Name, TelegramId, integration
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()
TAGS = ("legacy: forms",)

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TicketId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class InitTracking(BaseModel):
    ticket_id: TicketId
    form_type: Label
    step: Step = "Начало"


class UpdateTracking(BaseModel):
    ticket_id: TicketId
    step: Step


class TrackingStep(BaseModel):
    step: str
    at: str


class Tracking(BaseModel):
    """The form's funnel: every step with its time (201: tracking starts now; 200: it was
    tracked already and the step is added)."""

    ticket_id: str
    form_type: str
    steps: list[TrackingStep]


class PsychologistForm(BaseModel):
    anketa: Anketa
    psychologist_id: TelegramId


class PsychologistProfile(BaseModel):
    """The saved profile (201: created; 200: updated, a new secret replaces the old one);
    `secret` opens the schedule editor and is shown only now."""

    id: int
    psychologist_id: str
    name: Name
    created: bool
    secret: str
    editor_url: str
    anketa: Anketa


class ClientRegistration(BaseModel):
    user_id: TelegramId


class ClientRegistered(BaseModel):
    """The client with this telegram id (201: registered now; 200: already registered, the
    same client)."""

    client_id: int
    user_id: str
    created: bool


def _tracking(row: FormTracking) -> dict[str, object]:
    return {"ticket_id": row.ticket_number, "form_type": row.form_type, "steps": row.steps}


@routes.post("/init-form-tracking")
@documented(
    "Start tracking a form's funnel (a repeated start records the step again)",
    body=InitTracking,
    responses={201: Tracking, 200: Tracking, 401: "no token"},
    tags=TAGS,
    secured=True,
)
async def init_form_tracking(request: web.Request) -> web.Response:
    integration(request)
    body = await parse_body(request, InitTracking)
    row, created = await leads.init_tracking(body.ticket_id, body.form_type, body.step)
    return web.json_response(_tracking(row), status=201 if created else 200)


@routes.put("/update-tracking-step")
@documented(
    "Record the step a form has reached",
    body=UpdateTracking,
    responses={200: Tracking, 404: "unknown ticket", 401: "no token"},
    tags=TAGS,
    secured=True,
)
async def update_tracking_step(request: web.Request) -> web.Response:
    integration(request)
    body = await parse_body(request, UpdateTracking)
    with wire_fields(ticket_number="ticket_id"):
        row = await leads.track_step(body.ticket_id, body.step)
    return web.json_response(_tracking(row))


@routes.post("/psychologist-form")
@documented(
    "Create or update a psychologist from the anketa (by telegram id)",
    body=PsychologistForm,
    responses={
        201: PsychologistProfile,
        200: PsychologistProfile,
        409: "the name belongs to another psychologist",
        401: "no token",
    },
    tags=TAGS,
    secured=True,
)
async def psychologist_form(request: web.Request) -> web.Response:
    initiator = integration(request)
    body = await parse_body(request, PsychologistForm)
    with wire_fields(name="anketa.name"):
        saved = await psychologists.save_anketa(
            body.psychologist_id, body.anketa.profile(), body.anketa.education_items(), initiator
        )
    base_url = request.config_dict[SERVICES].settings.base_url
    answer = PsychologistProfile(
        id=saved.psychologist.id,
        psychologist_id=str(body.psychologist_id),
        name=saved.psychologist.name,
        created=saved.created,
        secret=saved.secret,
        editor_url=psychologists.editor_url(base_url, saved.secret),
        anketa=body.anketa,
    )
    return web.json_response(answer.model_dump(mode="json"), status=201 if saved.created else 200)


@routes.post("/client-registration")
@documented(
    "Register a client by telegram id (idempotent)",
    body=ClientRegistration,
    responses={201: ClientRegistered, 200: ClientRegistered, 401: "no token"},
    tags=TAGS,
    secured=True,
)
async def client_registration(request: web.Request) -> web.Response:
    initiator = integration(request)
    body = await parse_body(request, ClientRegistration)
    client, created = await leads.register_client(body.user_id, initiator)
    answer = ClientRegistered(client_id=client.id, user_id=str(body.user_id), created=created)
    return web.json_response(answer.model_dump(), status=201 if created else 200)
