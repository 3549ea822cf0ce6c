"""Schedules: the four weekly texts of a psychologist, and a psychologist's own
slots with their state."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, RootModel

from domain.schedule import schedules
from domain.timerules import MSK, format_day_month
from webapp import patterns
from webapp.api.schemas import cached_answer, json_answer
from webapp.errors import wire_fields
from webapp.integrations.common import OFFSET, Name, Secret, psychologist_by_secret, slot_text
from webapp.integrations.timetext import offset_zone, parse_date, parse_offset
from webapp.openapi import documented
from webapp.validation import BadRequest, parse_query

routes = web.RouteTableDef()
TAGS = ("legacy: schedules",)


ISO_DAY = patterns.stripped(patterns.ISO_DATE, python=True)  # as parse_date reads it


class GetSlotQuery(BaseModel):
    """By psychologist: the weekly texts; by secret (then startDate and endDate too, and
    psychologist is not read): the secret's psychologist's slots of those MSK days (a period
    that ends before it starts has none; at most MAX_RANGE_DAYS days from startDate)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": ["psychologist"]}, {"required": ["secret"]}],
            "dependentRequired": {"secret": ["startDate", "endDate"]},
            "x-reason": "give psychologist, or secret with startDate and endDate",
            "x-field": "psychologist",
        }
    )

    psychologist: Name | None = Field(default=None, description="«Имя Фамилия»: weekly texts")
    secret: Secret | None = Field(default=None, description="schedule secret: own slots")
    startDate: str | None = Field(default=None, pattern=ISO_DAY, description="YYYY-MM-DD")
    endDate: str | None = Field(default=None, pattern=ISO_DAY, description="YYYY-MM-DD")


class AggregatedQuery(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": ["psychologist"]}, {"required": ["utm_psy"]}],
            "x-reason": "give psychologist (or utm_psy)",
            "x-field": "psychologist",
        }
    )

    psychologist: Name | None = None
    utm_psy: Name | None = Field(default=None, description="read when psychologist is absent")
    userTimeOffsetMsk: str | None = Field(
        default=None, pattern=OFFSET, description="hours from MSK, a multiple of 0.25 (2.5)"
    )


class WeeklyTexts(BaseModel):
    """Four texts: this calendar week and the next three."""

    res: list[str]


class WeeklyTextList(RootModel[list[WeeklyTexts]]):
    """The four weekly texts, as the integration API answers them: [{res: [...]}]."""


class OwnSlot(BaseModel):
    id: int
    date: str
    time: str
    slot: str
    starts_at: str
    duration_min: int
    state: str
    held_until: str | None
    lead_number: str | None


class ScheduleAnswer(RootModel[list[WeeklyTexts] | list[OwnSlot]]):
    """By psychologist: [{res: [four weekly texts]}]; by secret: the slots with their state."""


async def _texts_answer(
    request: web.Request, name: str, offset: float | None = None
) -> web.Response:
    """The four weekly texts of `name` in MSK or at `offset` hours from it, through the read
    cache."""

    async def build() -> tuple[object, datetime]:
        zone = MSK if offset is None else offset_zone(offset)
        with wire_fields(name="psychologist"):
            texts, changes_at = await schedules.weekly_texts_until(name, zone)
        return [{"res": texts}], changes_at

    return await cached_answer(request, ("texts", name.strip(), offset), build)


@routes.get("/get-slot")
@documented(
    "A psychologist's schedule: by name the four weekly texts [{res: [...]}]; by secret + "
    "startDate + endDate the psychologist's slots with their state",
    query=GetSlotQuery,
    responses={200: ScheduleAnswer, 401: "unknown secret", 404: "unknown psychologist"},
    tags=TAGS,
)
async def get_slot(request: web.Request) -> web.Response:
    query = parse_query(request, GetSlotQuery)
    if query.secret is not None:
        psychologist = await psychologist_by_secret(query.secret)
        if query.startDate is None or query.endDate is None:  # the schema requires both
            field = "startDate" if query.startDate is None else "endDate"
            raise BadRequest("startDate and endDate (YYYY-MM-DD) go with secret", field=field)
        first = parse_date(query.startDate, "startDate")
        last = parse_date(query.endDate, "endDate")
        views = await schedules.own_slots(psychologist.id, first, last)
        return json_answer(
            [
                OwnSlot(
                    id=view.id,
                    date=format_day_month(view.starts_at.astimezone(MSK).date()),
                    time=f"{view.starts_at.astimezone(MSK):%H:%M}",
                    slot=slot_text(view.starts_at),
                    starts_at=view.starts_at.isoformat(),
                    duration_min=view.duration_min,
                    state=view.state,
                    held_until=view.held_until.isoformat() if view.held_until else None,
                    lead_number=view.lead_number,
                ).model_dump()
                for view in views
            ]
        )
    if query.psychologist is None:
        raise BadRequest("give psychologist, or secret with startDate and endDate", "psychologist")
    return await _texts_answer(request, query.psychologist)


@routes.get("/get-aggregated-schedule-by-psychologist-test-contur")
@documented(
    "The four weekly texts of a psychologist in the reader's zone (hours from MSK)",
    query=AggregatedQuery,
    responses={200: WeeklyTextList, 404: "unknown psychologist"},
    tags=TAGS,
)
async def aggregated_schedule(request: web.Request) -> web.Response:
    query = parse_query(request, AggregatedQuery)
    name = query.psychologist or query.utm_psy
    if name is None:
        raise BadRequest("give psychologist (or utm_psy)", field="psychologist")
    return await _texts_answer(request, name, parse_offset(query.userTimeOffsetMsk))
