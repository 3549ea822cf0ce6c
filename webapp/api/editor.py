"""The schedule editor's routes (psychologists): a week of slots in the psychologist's zone,
adding and removing by local time, weekly rules, and who is booked into a slot.

The caller is a psychologist's panel token (Telegram initData), or, in a plain browser, the
schedule secret of the editor link, sent as the `X-Schedule-Secret` header."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from aiohttp import hdrs, web
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema, field_validator

from db.enums import Actor
from domain.schedule import editor, rules, slots
from webapp import patterns
from webapp.api.schemas import Instant, Strict, json_answer, model_answer, path_id, rendered
from webapp.auth import Unauthorized, require_role
from webapp.errors import wire_fields
from webapp.openapi import documented
from webapp.validation import parse_body, parse_query

routes = web.RouteTableDef()
TAGS = ("schedule editor",)
SECRET_HEADER = "X-Schedule-Secret"
# A psychologist's token, or the schedule secret of the editor link (SECURITY_SCHEMES)
SECURITY = ("bearer", "schedule_secret")
LOCAL_PATTERN = f"^{patterns.ISO_DATE}T{patterns.HOUR_MINUTE}$"
# A wall-clock time of the psychologist's zone: no offset, which would contradict the zone
LocalClock = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{patterns.HOUR_MINUTE}(?::[0-5][0-9])?$",
            "description": "HH:MM (or HH:MM:SS), the psychologist's zone",
        },
        mode="validation",
    ),
]


def _wall_clock(value: object) -> object:
    return value.strftime(editor.LOCAL_FORMAT) if isinstance(value, datetime) else value


# A start as the editor shows it: `YYYY-MM-DDTHH:MM` in the psychologist's zone
LocalStart = Annotated[str, BeforeValidator(_wall_clock)]


def _hour_minute(value: object) -> object:
    return value.strftime("%H:%M") if isinstance(value, time) else value


class RuleOut(BaseModel):
    """A weekly rule: every `weekday` (0 is Monday) at `time` (HH:MM) in `timezone`."""

    id: int
    weekday: int = Field(ge=0, le=6)
    time: Annotated[str, BeforeValidator(_hour_minute)] = Field(validation_alias="clock")
    duration_min: int
    timezone: str


class WeekQuery(Strict):
    week_start: date | None = None


class EditorPsychologist(BaseModel):
    id: int
    name: str
    timezone: str


class EditorSlot(BaseModel):
    """A slot; `local` is `YYYY-MM-DDTHH:MM` in the psychologist's zone."""

    id: int
    local: LocalStart
    starts_at: Instant
    duration_min: int
    status: str
    past: bool
    rule_id: int | None = Field(description="the weekly rule that made the slot, if any")


class AddedSlotOut(EditorSlot):
    """The slot added, and the weekly rule it now repeats by (null unless `weekly`)."""

    rule: RuleOut | None


class EditorWeekOut(BaseModel):
    """The psychologist's slots of one local week (Monday to Sunday)."""

    psychologist: EditorPsychologist
    week_start: date
    days: list[date]
    slots: list[EditorSlot]
    rules: list[RuleOut] = Field(description="all the caller's weekly rules")


class AddSlotIn(Strict):
    local: str = Field(pattern=LOCAL_PATTERN, description="YYYY-MM-DDTHH:MM, psychologist's zone")
    duration_min: int = Field(
        default=slots.DEFAULT_DURATION_MIN, ge=slots.MIN_DURATION_MIN, le=slots.MAX_DURATION_MIN
    )
    weekly: bool = Field(
        default=False,
        strict=True,
        description="repeat every week at this weekday and local time (slots 4 weeks ahead)",
    )


class CopyWeekIn(Strict):
    week_start: date = Field(
        description="any day of the week to fill; its previous week is copied"
    )


class BulkAddIn(Strict):
    day: date = Field(alias="date", description="the local day, psychologist's zone")
    start: LocalClock = Field(description="HH:MM, the first slot's local start")
    end: LocalClock = Field(
        description="HH:MM, no slot starts at or after it (at or before start: no slots)"
    )
    step_min: int = Field(default=60, ge=editor.MIN_STEP_MIN, le=slots.MAX_DURATION_MIN)
    duration_min: int = Field(
        default=slots.DEFAULT_DURATION_MIN, ge=slots.MIN_DURATION_MIN, le=slots.MAX_DURATION_MIN
    )

    @field_validator("start", "end")
    @classmethod
    def _local_wall_time(cls, value: time) -> time:
        # The zone is the psychologist's; an offset here would contradict it.
        if value.tzinfo is not None:
            raise ValueError("give a local HH:MM without an offset")
        return value


class SlotRemoved(BaseModel):
    """The id of the slot that was removed."""

    deleted: bool
    id: int


class RuleRemoved(BaseModel):
    """The rule's upcoming free slots removed, and those kept (held or booked)."""

    removed_slots: int
    kept_slots: int


class SkippedSlot(BaseModel):
    slot: LocalStart
    error: str = Field(description="slot_in_past, slot_exists or slot_overlap")
    reason: str


class AddedReport(BaseModel):
    """Local times (`YYYY-MM-DDTHH:MM`) added, and those skipped with the reason."""

    added: list[LocalStart]
    skipped: list[SkippedSlot]


class SlotBookingOut(BaseModel):
    """Who is booked into a slot, and the request it came from."""

    slot_id: int
    local: LocalStart
    appointment_id: int
    status: str
    confirmed: bool
    meeting_link: str
    client_first_name: str
    lead_number: str | None
    queries: list[str]


async def _psychologist(request: web.Request) -> editor.EditorPsychologist:
    """The caller: its token when it sends an Authorization header (one that fails refuses
    the request, even beside a good secret), else the psychologist of the schedule secret."""
    secret = request.headers.get(SECRET_HEADER)
    if secret is not None and hdrs.AUTHORIZATION not in request.headers:
        found = await editor.by_secret(secret)
        if found is None:
            raise Unauthorized("the schedule secret is not valid; ask for a new editor link")
        return found
    principal = require_role(request, Actor.PSYCHOLOGIST.value)
    with wire_fields(telegram_id="token"):
        return await editor.by_telegram_id(principal.telegram_id)


@routes.get("/api/v1/editor/week")
@documented(
    "The caller's slots of one week in the caller's zone (default: the current week)",
    query=WeekQuery,
    responses={200: EditorWeekOut, 401: "no valid token or schedule secret"},
    tags=TAGS,
    secured=SECURITY,
)
async def editor_week(request: web.Request) -> web.Response:
    psychologist = await _psychologist(request)
    query = parse_query(request, WeekQuery)
    return model_answer(EditorWeekOut, await editor.week(psychologist, query.week_start))


@routes.post("/api/v1/editor/slots")
@documented(
    "Add a free slot at a local time of the caller's zone (`weekly`: every week from it on)",
    body=AddSlotIn,
    responses={
        201: AddedSlotOut,
        409: "past time, duplicate or overlapping slot, or that weekly time already repeats",
    },
    tags=TAGS,
    secured=SECURITY,
)
async def editor_add_slot(request: web.Request) -> web.Response:
    psychologist = await _psychologist(request)
    body = await parse_body(request, AddSlotIn)
    added = await editor.add(psychologist, body.local, body.duration_min, weekly=body.weekly)
    rule = None if added.rule is None else RuleOut.model_validate(added.rule, from_attributes=True)
    answer = AddedSlotOut(**rendered(EditorSlot, added.slot), rule=rule)
    return json_answer(answer.model_dump(), status=201)


@routes.delete("/api/v1/editor/rules/{id:\\d+}")
@documented(
    "Remove one of the caller's weekly rules and its upcoming free slots (held and booked "
    "ones stay)",
    responses={200: RuleRemoved, 404: "no such weekly rule of the caller"},
    tags=TAGS,
    secured=SECURITY,
)
async def editor_remove_rule(request: web.Request) -> web.Response:
    psychologist = await _psychologist(request)
    with wire_fields(rule="id"):
        removed = await rules.remove_rule(psychologist.id, path_id(request))
    return model_answer(RuleRemoved, removed)


@routes.delete("/api/v1/editor/slots/{id:\\d+}")
@documented(
    "Remove one of the caller's slots",
    responses={
        200: SlotRemoved,
        404: "no such slot of the caller",
        409: "the slot is booked, or held by a client right now",
    },
    tags=TAGS,
    secured=SECURITY,
)
async def editor_remove_slot(request: web.Request) -> web.Response:
    psychologist = await _psychologist(request)
    slot_id = path_id(request)
    await editor.remove(psychologist, slot_id)
    return web.json_response(SlotRemoved(deleted=True, id=slot_id).model_dump())


@routes.get("/api/v1/editor/slots/{id:\\d+}/booking")
@documented(
    "Who is booked into one of the caller's slots, and the request behind the booking",
    responses={200: SlotBookingOut, 404: "no such slot, or nobody is booked"},
    tags=TAGS,
    secured=SECURITY,
)
async def editor_slot_booking(request: web.Request) -> web.Response:
    psychologist = await _psychologist(request)
    booking = await editor.booking_in_slot(psychologist, path_id(request))
    return model_answer(SlotBookingOut, booking)


@routes.post("/api/v1/editor/copy-week")
@documented(
    "Repeat the previous week's slots in the given week (same weekdays and local times)",
    body=CopyWeekIn,
    responses={200: AddedReport, 401: "no valid token or schedule secret"},
    tags=TAGS,
    secured=SECURITY,
)
async def editor_copy_week(request: web.Request) -> web.Response:
    psychologist = await _psychologist(request)
    body = await parse_body(request, CopyWeekIn)
    report = await editor.copy_previous_week(psychologist.id, body.week_start, psychologist.zone)
    return model_answer(AddedReport, report)


@routes.post("/api/v1/editor/bulk")
@documented(
    "Add slots on one local day every `step_min` minutes from `start` until `end`",
    body=BulkAddIn,
    responses={
        200: AddedReport,
        401: "no valid token or schedule secret",
    },
    tags=TAGS,
    secured=SECURITY,
)
async def editor_bulk_add(request: web.Request) -> web.Response:
    psychologist = await _psychologist(request)
    body = await parse_body(request, BulkAddIn)
    report = await editor.bulk_add(
        psychologist.id,
        body.day,
        body.start,
        body.end,
        tz=psychologist.zone,
        step_min=body.step_min,
        duration_min=body.duration_min,
    )
    return model_answer(AddedReport, report)
