"""Slots a client can take: free, or held by this very client, in the future."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from db.enums import SlotStatus
from db.models import Slot
from db.plain_sql import fetch, instant
from domain.timerules import MSK, period, range_bounds, utcnow

MAX_RANGE_DAYS = 92


@dataclass(frozen=True, slots=True)
class TakeableSlot:
    id: int
    psychologist_id: int
    psychologist_name: str
    starts_at: datetime
    duration_min: int


# Free, or held with the hold run out (domain.schedule.slots.free_now), or held by the client
# with the telegram id $2; of an active psychologist; with $5, that psychologist's; with $6, as
# long as that service at least.
_TAKEABLE_SQL = """
SELECT s.id, s.psychologist_id, p.name, s.starts_at, s.duration_min
FROM slots s JOIN psychologists p ON p.id = s.psychologist_id
WHERE (s.status = 'free' OR (s.status = 'held' AND s.held_until <= $1)
       OR (s.status = 'held'
           AND s.held_by_id = (SELECT id FROM clients WHERE telegram_id = CAST($2 AS BIGINT))))
  AND s.starts_at >= $3 AND s.starts_at > $1 AND s.starts_at < $4 AND p.is_active
  AND (CAST($5 AS INTEGER) IS NULL OR s.psychologist_id = $5)
  AND (CAST($6 AS INTEGER) IS NULL OR s.duration_min >=
       (SELECT duration_min FROM services WHERE id = $6 AND is_active))
ORDER BY s.starts_at, s.psychologist_id
"""


async def available_slots(
    date_from: date,
    date_to: date,
    *,
    holder_telegram_id: int | None = None,
    psychologist_id: int | None = None,
    service_id: int | None = None,
    now: datetime | None = None,
) -> list[TakeableSlot]:
    """Slots of the MSK days `date_from`..`date_to` nobody else occupies, by time, in one
    query; with `service_id`, only slots long enough for that service. The holds of the
    client with `holder_telegram_id` count as free."""
    now = now or utcnow()
    days = period(date_from, date_to, MAX_RANGE_DAYS)
    if days is None:
        return []
    start, end = range_bounds(*days, MSK)
    rows = await fetch(
        _TAKEABLE_SQL, now, holder_telegram_id, start, end, psychologist_id, service_id
    )
    return [
        TakeableSlot(slot_id, psychologist, name, instant(starts_at), duration_min)
        for slot_id, psychologist, name, starts_at, duration_min in rows
    ]


async def available_slots_until(
    date_from: date,
    date_to: date,
    *,
    holder_telegram_id: int | None = None,
    psychologist_id: int | None = None,
    service_id: int | None = None,
    now: datetime | None = None,
) -> tuple[list[TakeableSlot], datetime | None]:
    """`available_slots`, and when time alone next changes them: the first of them starts
    (it stops being takeable), or a hold on another slot of these days runs out (that slot is
    free again)."""
    now = now or utcnow()
    days = period(date_from, date_to, MAX_RANGE_DAYS)
    if days is None:
        return [], None
    slots = await available_slots(
        *days,
        holder_telegram_id=holder_telegram_id,
        psychologist_id=psychologist_id,
        service_id=service_id,
        now=now,
    )
    start, end = range_bounds(*days, MSK)
    holds = Slot.filter(
        status=SlotStatus.HELD, held_until__gt=now, starts_at__gte=start, starts_at__lt=end
    )
    if psychologist_id is not None:
        holds = holds.filter(psychologist_id=psychologist_id)
    moments = await holds.order_by("held_until").limit(1).values_list("held_until", flat=True)
    if slots:
        moments.append(slots[0].starts_at)
    return slots, min(moments, default=None)
