"""Forms: funnel tracking, the psychologist's anketa,, client registration."""

from __future__ import annotations

from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints, model_validator

from domain.entities import FormTracking
from domain.people import psychologists
from domain.people.psychologists import EducationItem
from domain.tickets import leads
from webapp.errors import wire_fields
from webapp.integrations.common import Name, TelegramId, Text, integration
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()
TAGS = ("legacy: forms",)

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TicketId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Link = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Kind = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
ClientAge = Annotated[int, Field(ge=0, le=120)]
Price = Annotated[int, Field(ge=0, le=1_000_000)]


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


class EducationIn(BaseModel):
    educationItemProgramTitle: Link = ""
    educationItemTitle: Link = ""
    educationItemType: Kind = ""
    educationItemYear: int | None = Field(default=None, ge=1900, le=2100)


class Anketa(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    about: LongText = ""
    age: int | None = Field(default=None, ge=18, le=100)
    sexClient: ShortText = ""
    minClientAge: ClientAge | None = None
    maxClientAge: ClientAge | None = Field(
        default=None, description="below minClientAge, the two are read the other way round"
    )
    psychologistPersonalTherapyType: Text = ""
    psychologistPersonalTherapyDuration: Text = ""
    mainModal: Text = ""
    additionalModals: list[Text] = Field(default_factory=list, max_length=50)
    skills: list[Text] = Field(default_factory=list, max_length=100)
    queries: list[Text] = Field(default_factory=list, max_length=100)
    telegram_link: Link = ""
    site_link: Link = ""
    vk_link: Link = ""
    minPrice: Price | None = None
    maxPrice: Price | None = Field(
        default=None, description="below minPrice, the two are read the other way round"
    )
    isMarried: bool = False
    hasChildren: bool = False
    allWithPriceMode: bool = False
    firstFreeMode: bool = False
    helpHandMode: bool = False
    education: list[EducationIn] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _ranges_in_order(self) -> Anketa:
        # A range written high to low is the same range. JSON Schema cannot compare two
        # fields, so the document could not say that such an anketa is refused.
        for low, high in (("minClientAge", "maxClientAge"), ("minPrice", "maxPrice")):
            first, second = getattr(self, low), getattr(self, high)
            if first is not None and second is not None and second < first:
                setattr(self, low, second)
                setattr(self, high, first)
        return self

    def profile(self) -> dict[str, object]:
        """The psychologist's columns, by the model's names."""
        return {
            "name": self.name,
            "about": self.about,
            "age": self.age,
            "sex_client": self.sexClient,
            "min_client_age": self.minClientAge,
            "max_client_age": self.maxClientAge,
            "personal_therapy_type": self.psychologistPersonalTherapyType,
            "personal_therapy_duration": self.psychologistPersonalTherapyDuration,
            "main_modal": self.mainModal,
            "additional_modals": self.additionalModals,
            "skills": self.skills,
            "queries": self.queries,
            "telegram_link": self.telegram_link,
            "site_link": self.site_link,
            "vk_link": self.vk_link,
            "min_price": self.minPrice,
            "max_price": self.maxPrice,
            "is_married": self.isMarried,
            "has_children": self.hasChildren,
            "all_with_price_mode": self.allWithPriceMode,
            "first_free_mode": self.firstFreeMode,
            "help_hand_mode": self.helpHandMode,
        }


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
    education = [
        EducationItem(
            program_title=item.educationItemProgramTitle,
            title=item.educationItemTitle,
            kind=item.educationItemType,
            year=item.educationItemYear,
        )
        for item in body.anketa.education
    ]
    with wire_fields(name="anketa.name"):
        saved = await psychologists.save_anketa(
            body.psychologist_id, body.anketa.profile(), education, initiator
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
