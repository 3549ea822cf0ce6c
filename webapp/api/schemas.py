"""Request and answer models of /api/v1; the OpenAPI document is built from them, and the
answers are rendered through them from the domain's dataclasses (`rendered`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

import orjson
from aiohttp import web
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    RootModel,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from db.enums import AppointmentStatus
from domain.timerules import known_zones
from webapp import patterns
from webapp.contract import RECORD_ID_MAX
from webapp.hot_reads import HOT_READS, json_answer_of
from webapp.keys import READ_CACHE
from webapp.read_cache import Built
from webapp.validation import BadRequest

MAX_ID = RECORD_ID_MAX


# An instant in an answer, written as the API always wrote it: `datetime.isoformat()`, so UTC
# is "+00:00" (pydantic's own JSON would write "Z"), in JSON mode as orjson does in `rendered`.
Instant = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


# One line of text, as both APIs take it (a name in a list, a label, a short answer).
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


def required_id() -> int:
    return Field(gt=0, le=MAX_ID)  # type: ignore[no-any-return]


def optional_id() -> int | None:
    return Field(default=None, gt=0, le=MAX_ID)  # type: ignore[no-any-return]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Patch(Strict):
    """A partial change: absent fields stay; only `NULLABLE` fields may be set to null, and at
    least one field is given. Fields are declared optional (`X | None = None`) so that absence
    parses; the schema, which the server enforces, states the rest."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler.resolve_ref_schema(handler(core_schema))
        for name, prop in json_schema.get("properties", {}).items():
            if name not in cls.NULLABLE and "anyOf" in prop:
                _drop_null(prop)
        json_schema["minProperties"] = 1
        json_schema["x-reason"] = "nothing to change"
        return json_schema

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)


def _drop_null(prop: dict[str, Any]) -> None:
    """A property that may be absent but, when given, not null."""
    branches = [branch for branch in prop.pop("anyOf") if branch != {"type": "null"}]
    prop.pop("default", None)
    if len(branches) == 1:
        prop.update(branches[0])
    else:
        prop["anyOf"] = branches


class DateRange(Strict):
    """A period of MSK days, both ends included: a period that ends before it starts has no
    days, and a long one is answered for its first days (each route states how many)."""

    date_from: date | None = None
    date_to: date | None = None


# --- auth


class TelegramAuthIn(Strict):
    init_data: str = Field(min_length=1, max_length=8192)


class TokenOut(BaseModel):
    """A panel token and the role it carries."""

    token: str
    role: str


class ClientAuthIn(Strict):
    """Telegram's initData proves who calls; `contact` (the string `requestContact` gives) is
    their phone as Telegram vouches for it; a typed `phone` is kept unverified. Without
    initData the integration token speaks for `telegram_id` (and takes no contact)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["init_data"], "properties": {"init_data": {"type": "string"}}},
                {
                    "required": ["telegram_id"],
                    "properties": {
                        "telegram_id": {"type": "integer"},
                        "init_data": {"type": "null"},
                        "contact": {"type": "null"},
                    },
                },
            ],
            "x-reason": "init_data is required, or telegram_id (without a contact) with the "
            "integration token",
            "x-field": "init_data",
        }
    )

    init_data: str | None = Field(default=None, min_length=1, max_length=8192)
    telegram_id: int | None = Field(default=None, gt=0, le=2**63 - 1)
    phone: str | None = Field(default=None, min_length=3, max_length=40)
    contact: str | None = Field(default=None, min_length=1, max_length=8192)


class ClientOut(BaseModel):
    id: int
    name: str
    phone: str | None
    phone_verified: bool
    telegram_id: int | None
    username: str | None = None
    language: str = "ru"
    timezone: str = "Europe/Moscow"


class ClientAuthOut(BaseModel):
    """The registered client and its panel token."""

    client: ClientOut
    token: str
    created: bool


# --- catalogue


class ServiceIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    price: int = Field(ge=0, le=10_000_000)
    duration_min: int = Field(ge=5, le=480)
    branch_id: int | None = optional_id()


class ServicePatch(Patch):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"branch_id"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    price: int | None = Field(default=None, ge=0, le=10_000_000)
    duration_min: int | None = Field(default=None, ge=5, le=480)
    branch_id: int | None = optional_id()


class ServicesQuery(Strict):
    branch_id: int | None = optional_id()


class ServiceOut(BaseModel):
    """A service."""

    id: int
    name: str
    price: int
    duration_min: int
    branch_id: int | None


class ServiceList(RootModel[list[ServiceOut]]):
    """Services on offer."""


# An IANA time zone the server's tz database knows: the document lists them in a pattern (an
# enum would have fuzzers try each of its ~600 names on every call that takes one).
TimeZoneName = Annotated[
    str, Field(pattern=patterns.one_of(sorted(known_zones())), description="an IANA time zone")
]


class ClientMeOut(BaseModel):
    """The calling client; every time they read is shown in `timezone`, labelled with
    `timezone_label` (in their language: «МСК», a city's name, or the zone's city part)."""

    id: int
    name: str
    phone: str | None
    phone_verified: bool
    timezone: str
    timezone_label: str
    language: str


class ClientMePatch(Strict):
    timezone: TimeZoneName


class BranchIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(default="", max_length=300)
    timezone: TimeZoneName = "Europe/Moscow"


class BranchPatch(Patch):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    timezone: TimeZoneName | None = None


class BranchOut(BaseModel):
    """A branch."""

    id: int
    name: str
    address: str
    timezone: str


class BranchList(RootModel[list[BranchOut]]):
    """Branches."""


# --- slots and appointments


class SlotsQuery(DateRange):
    psychologist_id: int | None = optional_id()
    service_id: int | None = optional_id()


class SlotOut(BaseModel):
    id: int
    psychologist_id: int
    psychologist: str = Field(validation_alias="psychologist_name")  # the name
    starts_at: Instant
    duration_min: int


class SlotList(RootModel[list[SlotOut]]):
    """Slots that can be taken, by time."""


class HoldOut(BaseModel):
    """The slot is held for the caller until `held_until`."""

    slot_id: int
    held_until: datetime


class BookIn(Strict):
    slot_id: int = required_id()
    service_id: int | None = optional_id()
    weeks: int | None = Field(
        default=None,
        ge=2,
        le=12,
        description="book a weekly series: this slot and the same weekday and time of the "
        "psychologist for the next weeks-1 weeks (the answer is then a SeriesOut)",
    )


class ClientRef(BaseModel):
    id: int
    name: str
    phone: str | None
    telegram_id: int | None
    unreachable: bool
    timezone: str = Field(description="the client's IANA time zone")


class PsychologistRef(BaseModel):
    id: int
    name: str


class SeriesRef(BaseModel):
    """The weekly series an appointment is one of: its `number`-th session by time, of
    `count` booked."""

    id: int
    number: int
    count: int


class ServiceRef(BaseModel):
    id: int
    name: str
    price: int
    duration_min: int


class AppointmentOut(BaseModel):
    """An appointment."""

    id: int
    status: AppointmentStatus
    starts_at: Instant
    duration_min: int
    client: ClientRef
    psychologist: PsychologistRef
    service: ServiceRef | None
    meeting_link: str
    confirmed: bool
    created_by: str
    price: int | None
    allowed_statuses: list[AppointmentStatus]
    created_at: Instant
    updated_at: Instant
    cancelled_at: Instant | None = Field(description="when it was cancelled; null if it was not")
    late_cancel: bool = Field(
        description="the client cancelled it LATE_CANCEL_HOURS (24 by default) or less before "
        "the start; staff and automatic cancels never are"
    )
    series: SeriesRef | None = Field(description="the weekly series it is one of, if any")
    series_id: int | None = Field(description="the weekly series it is one of; null if none")


class AppointmentList(RootModel[list[AppointmentOut]]):
    """Appointments."""


class BoardQuery(DateRange):
    branch_id: int | None = optional_id()
    psychologist_id: int | None = optional_id()


class BoardOut(BaseModel):
    """Appointments by board column."""

    model_config = ConfigDict(use_enum_values=True)  # columns named by text, as orjson needs

    columns: dict[AppointmentStatus, list[AppointmentOut]]


class HistoryEntryOut(BaseModel):
    """One change of an appointment: who, what, when."""

    at: Instant
    actor: str = Field(description="client, psychologist, manager, admin, integration or system")
    actor_name: str | None = Field(description="the person's name, when known")
    actor_ref: str = Field(description="the author's reference: a Telegram id or a token name")
    source: str = Field(description="the channel: api, bot, job, legacy, webhook...")
    action: str = Field(
        description="appointment.created, .confirmed, .status, .rescheduled, .cancelled, "
        ".meeting_link, .events_planned"
    )
    details: dict[str, object] = Field(
        description="the action's data; a move adds from_starts_at and to_starts_at"
    )


class HistoryOut(RootModel[list[HistoryEntryOut]]):
    """An appointment's history, oldest first."""


class StatusIn(Strict):
    status: AppointmentStatus
    reason: str = Field(default="", max_length=1000)


class CancelIn(Strict):
    reason: str = Field(default="", max_length=1000, description="why, in the caller's words")


class RescheduleIn(Strict):
    slot_id: int = required_id()


class ManualBookIn(Strict):
    phone: str = Field(min_length=3, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    slot_id: int = required_id()
    service_id: int | None = optional_id()


class LiveQuery(Strict):
    token: str = Field(min_length=1)


# --- system


class ImportUpload(BaseModel):
    """The form of an import: the file, and no other field."""

    model_config = ConfigDict(extra="forbid")

    file: bytes = Field(description="the .csv or .xlsx file")


class ImportProblem(BaseModel):
    row: int = Field(description="the row of the file; 0 is the file as a whole")
    reason: str


class ImportReportOut(BaseModel):
    """What an import did."""

    created: int
    updated: int
    skipped: int
    errors: list[ImportProblem]
    errors_left_off: int = Field(default=0, description="errors beyond those listed")


class ReportsQuery(DateRange):
    """The period; by default the last 30 days (MSK) up to date_to, or today."""


class PsychologistLoad(BaseModel):
    psychologist_id: int
    name: str
    slots: int
    booked: int
    completed: int
    load_percent: float
    late_cancellations: int
    late_cancel_percent: float = Field(
        description="late cancellations of all the psychologist's appointments in the period "
        "(any status), in percent, one decimal"
    )


class FunnelStep(BaseModel):
    step: str
    count: int


class ReportDay(BaseModel):
    date: date
    new_requests: int
    new_appointments: int
    appointments: int
    completed: int
    cancelled: int
    no_show: int


class ReportOut(BaseModel):
    """The KPIs of a period."""

    date_from: date
    date_to: date
    new_requests: int
    new_appointments: int
    appointments: int
    completed: int
    completed_percent: float
    repeat_visits_percent: float
    cancellations: int
    auto_cancellations: int
    no_shows: int
    late_cancellations: int = Field(
        description="appointments of the period its client cancelled LATE_CANCEL_HOURS (24 by "
        "default) or less before the start"
    )
    late_cancel_percent: float = Field(
        description="late_cancellations of all the period's appointments (any status, the "
        "same count as `appointments`), in percent, one decimal; 0.0 when there are none"
    )
    psychologists: list[PsychologistLoad]
    funnel: dict[str, list[FunnelStep]]
    daily: list[ReportDay]


def path_id(request: web.Request, name: str = "id") -> int:
    """A record id from the path (documented as an integer from 1 to MAX_ID, see
    webapp.openapi): 404 when it is not a number at all (no record is named so), 400 when it
    is a number out of that range."""
    text = request.match_info[name]
    if not (text.isascii() and text.isdigit()):
        raise web.HTTPNotFound()
    value = int(text)
    if not 0 < value <= MAX_ID:
        raise BadRequest(f"{name} is out of range", field=name)
    return value


def rendered(shape: type[BaseModel], value: object) -> Any:
    """`value` (a domain dataclass, or what a root model holds: a list of them...) in the
    shape of `shape`, the model the OpenAPI document publishes for it, as data for orjson
    (json_answer, cached_answer). Instants stay datetimes, which orjson writes as isoformat()
    does: several times faster than pydantic's JSON mode on the board."""
    return shape.model_validate(value, from_attributes=True).model_dump()


def model_answer(shape: type[BaseModel], value: object, status: int = 200) -> web.Response:
    """json_answer of `value` in the shape of `shape`."""
    return json_answer(rendered(shape, value), status=status)


def _orjson_text(data: object) -> str:
    return orjson.dumps(data).decode()


def json_answer(data: object, status: int = 200) -> web.Response:
    """A JSON answer serialised by orjson: several times faster than the json module on the
    large answers of the hot read routes (bench/README.md)."""
    return web.json_response(data, status=status, dumps=_orjson_text)


async def cached_answer(
    request: web.Request,
    key: Hashable,
    build: Callable[[], Awaitable[tuple[object, datetime | None]]],
) -> web.Response:
    """json_answer of the data `build` answers (with the instant time alone changes it),
    served from the read cache until a change makes it stale (webapp/read_cache.py); the
    same request again is answered before the route runs (webapp/hot_reads.py). Compressed
    when the request takes gzip."""

    async def encoded() -> Built:
        data, changes_at = await build()
        return orjson.dumps(data), changes_at

    cache = request.app[READ_CACHE]
    entry = await cache.answer(key, encoded)
    request.config_dict[HOT_READS].note(request, key)
    return json_answer_of(request, cache, entry)


# --- weekly series


class SeriesOut(BaseModel):
    """A weekly series booked: its sessions by time, and the psychologist's local days of the
    weeks skipped (no free time at that weekday and time)."""

    series_id: int
    appointments: list[AppointmentOut]
    skipped: list[date]


class BookedOut(RootModel[AppointmentOut | SeriesOut]):
    """The appointment booked; with `weeks`, the series booked."""


class SeriesCancelIn(Strict):
    from_date: date | None = Field(
        default=None,
        alias="from",
        description="the psychologist's local day from which on the sessions are cancelled; "
        "by default every one still to come",
    )


class SeriesCancelOut(BaseModel):
    """The sessions of the series cancelled now, by time (earlier ones stay)."""

    series_id: int
    cancelled: list[int]
