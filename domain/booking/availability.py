"""Slots a client can take: free, or held by this very client, in the future."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tortoise import connections
from tortoise.expressions import Q, Subquery

import db
from db.enums import SlotStatus
from db.models import Client, Service, Slot
from domain.schedule.slots import free_now
from domain.timerules import MSK, period, range_bounds, utcnow

MAX_RANGE_DAYS = 92


async def available_slots(
    date_from: date,
    date_to: date,
    *,
    holder_telegram_id: int | None = None,
    psychologist_id: int | None = None,
    service_id: int | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Slots of the MSK days `date_from`..`date_to` nobody else occupies, by time, in one
    query; with `service_id`, only slots long enough for that service. The holds of the
    client with `holder_telegram_id` count as free."""
    now = now or utcnow()
    days = period(date_from, date_to, MAX_RANGE_DAYS)
    if days is None:
        return []
    start, end = range_bounds(*days, MSK)
    if db.dialect() == "postgres":
        return await _available_on_postgres(
            start, end, now, holder_telegram_id, psychologist_id, service_id
        )
    takeable = free_now(now)
    if holder_telegram_id is not None:
        holder = Client.filter(telegram_id=holder_telegram_id).values("id")
        takeable |= Q(status=SlotStatus.HELD, held_by_id=Subquery(holder))
    query = Slot.filter(
        takeable,
        starts_at__gte=start,
        starts_at__gt=now,
        starts_at__lt=end,
        psychologist__is_active=True,
    )
    if psychologist_id is not None:
        query = query.filter(psychologist_id=psychologist_id)
    if service_id is not None:
        query = query.filter(
            duration_min__gte=Subquery(
                Service.filter(id=service_id, is_active=True).values("duration_min")
            )
        )
    rows = await query.order_by("starts_at", "psychologist_id").values(
        "id", "psychologist_id", "psychologist__name", "starts_at", "duration_min"
    )
    return [
        {
            "id": row["id"],
            "psychologist_id": row["psychologist_id"],
            "psychologist": row["psychologist__name"],
            "starts_at": row["starts_at"].isoformat(),
            "duration_min": row["duration_min"],
        }
        for row in rows
    ]


async def available_slots_until(
    date_from: date,
    date_to: date,
    *,
    holder_telegram_id: int | None = None,
    psychologist_id: int | None = None,
    service_id: int | None = None,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], datetime | None]:
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
        moments.append(datetime.fromisoformat(slots[0]["starts_at"]))
    return slots, min(moments, default=None)


# The same query as the ORM one above, written once: building it with Tortoise costs more
# than running it on this hot read (bench/README.md). PostgreSQL only; SQLite is for
# development and keeps the ORM query.
_AVAILABLE_SQL = """
SELECT s.id, s.psychologist_id, p.name, s.starts_at, s.duration_min
FROM slots s JOIN psychologists p ON p.id = s.psychologist_id
WHERE (s.status = 'free' OR (s.status = 'held' AND s.held_until <= $1)
       OR (s.status = 'held' AND $2::bigint IS NOT NULL
           AND s.held_by_id = (SELECT id FROM clients WHERE telegram_id = $2::bigint)))
  AND s.starts_at >= $3 AND s.starts_at > $1 AND s.starts_at < $4 AND p.is_active
  AND ($5::int IS NULL OR s.psychologist_id = $5::int)
  AND ($6::int IS NULL OR s.duration_min >=
       (SELECT duration_min FROM services WHERE id = $6::int AND is_active))
ORDER BY s.starts_at, s.psychologist_id
"""


async def _available_on_postgres(  # noqa: PLR0917 - the query's parameters, in order
    start: datetime,
    end: datetime,
    now: datetime,
    holder_telegram_id: int | None,
    psychologist_id: int | None,
    service_id: int | None,
) -> list[dict[str, Any]]:
    _, rows = await connections.get("default").execute_query(
        _AVAILABLE_SQL, [now, holder_telegram_id, start, end, psychologist_id, service_id]
    )
    return [
        {
            "id": slot_id,
            "psychologist_id": psychologist,
            "psychologist": name,
            "starts_at": starts_at.isoformat(),
            "duration_min": duration_min,
        }
        for slot_id, psychologist, name, starts_at, duration_min in rows
    ]
