"""What a client chooses from when booking: the requests psychologists work with, the
psychologists that fit, a psychologist's week of free times, and a chosen time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from tortoise.expressions import Q, Subquery

from db.enums import SlotStatus
from db.models import Psychologist, Slot
from domain.booking import matching
from domain.errors import NotFound
from domain.people.profiles import PsychologistProfile, psychologist_profile
from domain.schedule.slots import free_now
from domain.timerules import range_bounds, utcnow

MAX_CARDS = 5
MAX_QUERIES = 12
# How far ahead a client may page through a psychologist's weeks.
MAX_WEEKS_AHEAD = 8


@dataclass(frozen=True, slots=True)
class FreeTime:
    slot_id: int
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class ChosenTime:
    """A slot with its psychologist, as the client sees it."""

    slot_id: int
    starts_at: datetime
    psychologist: PsychologistProfile


async def known_queries() -> list[str]:
    """The requests psychologists work with, to choose from, alphabetically."""
    rows = await Psychologist.filter(is_active=True).values_list("queries", flat=True)
    found = {str(query) for offered in rows for query in (offered or [])}
    return sorted(found)[:MAX_QUERIES]


async def matching_psychologists(
    queries: Sequence[str],
    max_price: int | None,
    *,
    exclude_id: int | None = None,
    now: datetime | None = None,
) -> list[PsychologistProfile]:
    """Active psychologists with a free future slot and a price within `max_price`: those who
    work with the requests first (all, when none does), the most available first."""
    now = now or utcnow()
    with_free = Slot.filter(free_now(now), starts_at__gt=now).values("psychologist_id")
    query = Psychologist.filter(is_active=True, id__in=Subquery(with_free))
    if exclude_id is not None:
        query = query.exclude(id=exclude_id)
    if max_price is not None:
        query = query.filter(Q(min_price__isnull=True) | Q(min_price__lte=max_price))
    people = await query.order_by("name")
    wanted = set(queries)
    fitting = [p for p in people if wanted & set(p.queries or [])]
    chosen = fitting or people
    ranks = await matching.coefficients(chosen, now=now)
    chosen.sort(key=lambda p: -ranks[p.id].value)
    return [psychologist_profile(p) for p in chosen[:MAX_CARDS]]


async def psychologist(psychologist_id: int) -> PsychologistProfile:
    found = await Psychologist.filter(id=psychologist_id, is_active=True).first()
    if found is None:
        raise NotFound("psychologist not found", field="psychologist_id")
    return psychologist_profile(found)


async def free_week(
    psychologist_id: int,
    monday: date,
    tz: tzinfo,
    *,
    client_id: int | None = None,
    now: datetime | None = None,
) -> list[FreeTime]:
    """The psychologist's slots in the week from `monday` (in `tz`) that the client can take:
    free, or held by this very client; future only; by time."""
    now = now or utcnow()
    start, end = range_bounds(monday, monday + timedelta(days=6), tz)
    takeable = free_now(now)
    if client_id is not None:
        takeable |= Q(status=SlotStatus.HELD, held_by_id=client_id)
    rows = await Slot.filter(
        takeable,
        psychologist_id=psychologist_id,
        starts_at__gte=start,
        starts_at__lt=end,
        starts_at__gt=now,
    ).order_by("starts_at")
    return [FreeTime(slot.id, slot.starts_at) for slot in rows]


async def chosen_time(slot_id: int) -> ChosenTime:
    slot = await Slot.filter(id=slot_id).prefetch_related("psychologist").first()
    if slot is None:
        raise NotFound("slot not found", field="slot_id")
    return ChosenTime(slot.id, slot.starts_at, psychologist_profile(slot.psychologist))
