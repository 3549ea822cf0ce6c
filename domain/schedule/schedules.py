"""Read-side queries behind the schedule answers: the four weekly texts, a psychologist's own
slots with their state. Each answer costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from db.enums import SlotStatus
from db.models import Appointment, Slot
from db.plain_sql import fetch, instant
from domain.people import psychologists
from domain.schedule.schedule_text import SlotMark, weekly_schedule_texts
from domain.statuses import ACTIVE
from domain.timerules import MSK, period, range_bounds, utcnow

# Four calendar weeks from this Monday end at most 28 days from now; a day more covers any zone.
TEXT_HORIZON = timedelta(days=29)
MAX_RANGE_DAYS = 93


@dataclass(frozen=True, slots=True)
class SlotView:
    id: int
    starts_at: datetime
    duration_min: int
    state: str  # free | held | booked
    held_until: datetime | None
    appointment_id: int | None
    lead_number: str | None


# The marks of the active psychologist with this name: one query, the same on both databases
# (db/plain_sql.py says why this hot read is plain SQL).
_MARKS_BY_NAME_SQL = """
SELECT s.starts_at, s.status = 'booked'
FROM slots s JOIN psychologists p ON p.id = s.psychologist_id
WHERE p.name = $1 AND p.is_active AND s.starts_at >= $2 AND s.starts_at < $3
"""


async def _marks_by_name(name: str, now: datetime) -> list[SlotMark]:
    rows = await fetch(_MARKS_BY_NAME_SQL, name, now, now + TEXT_HORIZON)
    return [SlotMark(instant(starts_at), bool(booked)) for starts_at, booked in rows]


async def weekly_texts_until(
    name: str, tz: tzinfo = MSK, *, now: datetime | None = None
) -> tuple[list[str], datetime]:
    """The four weekly schedule texts of the psychologist with this name, in `tz`, and when
    time alone changes them: the first listed slot starts, or a new day begins in `tz` (the
    weeks move on on Mondays)."""
    now = now or utcnow()
    marks = await _marks_by_name(name.strip(), now)
    if not marks:
        await psychologists.by_name(name)  # an empty schedule of an unknown name is a 404
    tomorrow = datetime.combine(now.astimezone(tz).date() + timedelta(days=1), time(), tz)
    changes_at = min([*(mark.starts_at for mark in marks), tomorrow])
    return weekly_schedule_texts(marks, now, tz), changes_at


async def free_texts_of(
    psychologist_ids: list[int], tz: tzinfo = MSK, *, now: datetime | None = None
) -> list[str]:
    """The four weekly texts of several psychologists together (a start is free if any is)."""
    now = now or utcnow()
    rows = await Slot.filter(
        psychologist_id__in=psychologist_ids, starts_at__gte=now, starts_at__lt=now + TEXT_HORIZON
    ).values_list("starts_at", "status")
    marks = [SlotMark(starts_at, status == SlotStatus.BOOKED) for starts_at, status in rows]
    return weekly_schedule_texts(marks, now, tz)


def _state(status: SlotStatus, held_until: datetime | None, now: datetime) -> str:
    if status == SlotStatus.HELD and (held_until is None or held_until <= now):
        return SlotStatus.FREE.value  # a hold that ran out frees the slot by itself
    return status.value


async def own_slots(
    psychologist_id: int, first: date, last: date, *, now: datetime | None = None
) -> list[SlotView]:
    """The psychologist's slots whose MSK day lies in [first, last], with their state and
    the lead of the appointment that occupies each booked one: of the first MAX_RANGE_DAYS + 1
    days, none when the period ends before it starts."""
    now = now or utcnow()
    days = period(first, last, MAX_RANGE_DAYS + 1)
    if days is None:
        return []
    start, end = range_bounds(*days, MSK)
    slots = await Slot.filter(
        psychologist_id=psychologist_id, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at")
    occupied = {
        slot_id: (appointment_id, number)
        for slot_id, appointment_id, number in await Appointment.filter(
            active_slot_id__in=[slot.id for slot in slots], status__in=list(ACTIVE)
        ).values_list("active_slot_id", "id", "ticket__number")
    }
    return [
        SlotView(
            id=slot.id,
            starts_at=slot.starts_at,
            duration_min=slot.duration_min,
            state=_state(slot.status, slot.held_until, now),
            held_until=slot.held_until if slot.status == SlotStatus.HELD else None,
            appointment_id=occupied.get(slot.id, (None, None))[0],
            lead_number=occupied.get(slot.id, (None, None))[1],
        )
        for slot in slots
    ]
