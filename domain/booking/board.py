"""The managers' board and the appointment as callers see it (DESIGN section 8).

Every read here is one query: the appointment's client, psychologist and service come
with it through joins (select_related), never one query per card."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tortoise import connections
from tortoise.queryset import QuerySet

import db
from db.enums import Actor, AppointmentStatus
from db.models import Appointment, AuditLog, Client, Manager, Psychologist, Slot
from domain.booking.statuses import allowed_targets
from domain.errors import NotFound
from domain.timerules import MSK, period, range_bounds, utcnow

DEFAULT_BOARD_DAYS = 14
MAX_BOARD_DAYS = 92
_RELATED = ("client", "psychologist", "service")


def _with_sides() -> QuerySet[Appointment]:
    return Appointment.all().select_related(*_RELATED)


def appointment_json(appointment: Appointment) -> dict[str, Any]:
    """An appointment loaded with its client, psychologist and service, as JSON."""
    client, psychologist, service = (
        appointment.client,
        appointment.psychologist,
        appointment.service,
    )
    return {
        "id": appointment.id,
        "status": appointment.status.value,
        "starts_at": appointment.starts_at.isoformat(),
        "duration_min": appointment.duration_min,
        "client": {
            "id": client.id,
            "name": client.name,
            "phone": client.phone,
            "telegram_id": client.telegram_id,
            "unreachable": client.blocked_bot,
        },
        "psychologist": {"id": psychologist.id, "name": psychologist.name},
        "service": None
        if service is None
        else {
            "id": service.id,
            "name": service.name,
            "price": service.price,
            "duration_min": service.duration_min,
        },
        "meeting_link": appointment.meeting_link,
        "confirmed": appointment.confirmed,
        "created_by": appointment.created_by.value,
        "price": appointment.price,
        "allowed_statuses": allowed_targets(appointment.status),
        "created_at": appointment.created_at.isoformat(),
        "updated_at": appointment.updated_at.isoformat(),
    }


async def load(appointment_id: int) -> Appointment:
    """The appointment with its client, psychologist and service."""
    appointment = await _with_sides().filter(id=appointment_id).first()
    if appointment is None:
        raise NotFound("appointment not found", field="id")
    return appointment


async def belongs_to(appointment_id: int, client_id: int) -> bool:
    """Whether the appointment is this client's (a missing one is nobody's)."""
    return await Appointment.filter(id=appointment_id, client_id=client_id).exists()


async def client_appointments(client_id: int) -> list[Appointment]:
    """A client's appointments, the latest session first."""
    return await _with_sides().filter(client_id=client_id).order_by("-starts_at", "-id")


def board_range(
    date_from: date | None, date_to: date | None, *, days: int = DEFAULT_BOARD_DAYS
) -> tuple[date, date]:
    """The days a board shows: by default today (MSK) to `days` ahead."""
    first = date_from or utcnow().astimezone(MSK).date()
    last = date_to or first + timedelta(days=days)
    return first, last


async def board(
    date_from: date,
    date_to: date,
    *,
    branch_id: int | None = None,
    psychologist_id: int | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Appointments of the MSK days `date_from`..`date_to` (at most MAX_BOARD_DAYS of them),
    by status column, by time."""
    columns: dict[str, list[dict[str, Any]]] = {status.value: [] for status in AppointmentStatus}
    days = period(date_from, date_to, MAX_BOARD_DAYS)
    if days is None:
        return columns
    start, end = range_bounds(*days, MSK)
    if db.dialect() == "postgres":
        _, rows = await connections.get("default").execute_query(
            _BOARD_SQL, [start, end, branch_id, psychologist_id]
        )
        cards = [_card(dict(zip(_CARD_FIELDS, row, strict=True))) for row in rows]
    else:
        query = Appointment.filter(starts_at__gte=start, starts_at__lt=end)
        if branch_id is not None:
            query = query.filter(service__branch_id=branch_id)
        if psychologist_id is not None:
            query = query.filter(psychologist_id=psychologist_id)
        rows = await query.order_by("starts_at", "id").values(*_CARD_FIELDS)
        cards = [_card(row) for row in rows]
    for card in cards:
        columns[card["status"]].append(card)
    return columns


_CARD_FIELDS = (
    "id",
    "status",
    "starts_at",
    "duration_min",
    "client__id",
    "client__name",
    "client__phone",
    "client__telegram_id",
    "client__blocked_bot",
    "psychologist__id",
    "psychologist__name",
    "service__id",
    "service__name",
    "service__price",
    "service__duration_min",
    "meeting_link",
    "confirmed",
    "created_by",
    "price",
    "created_at",
    "updated_at",
)


# The board's query written once, in _CARD_FIELDS order: building it with Tortoise costs more
# than running it on this hot read (bench/README.md). PostgreSQL only; SQLite keeps the ORM.
_BOARD_SQL = """
SELECT a.id, a.status, a.starts_at, a.duration_min,
       c.id, c.name, c.phone, c.telegram_id, c.blocked_bot,
       p.id, p.name,
       s.id, s.name, s.price, s.duration_min,
       a.meeting_link, a.confirmed, a.created_by, a.price, a.created_at, a.updated_at
FROM appointments a
JOIN clients c ON c.id = a.client_id
JOIN psychologists p ON p.id = a.psychologist_id
LEFT JOIN services s ON s.id = a.service_id
WHERE a.starts_at >= $1 AND a.starts_at < $2
  AND ($3::int IS NULL OR s.branch_id = $3::int)
  AND ($4::int IS NULL OR a.psychologist_id = $4::int)
ORDER BY a.starts_at, a.id
"""


def _card(row: dict[str, Any]) -> dict[str, Any]:
    """appointment_json of a row of _CARD_FIELDS."""
    status = AppointmentStatus(row["status"])
    return {
        "id": row["id"],
        "status": status.value,
        "starts_at": row["starts_at"].isoformat(),
        "duration_min": row["duration_min"],
        "client": {
            "id": row["client__id"],
            "name": row["client__name"],
            "phone": row["client__phone"],
            "telegram_id": row["client__telegram_id"],
            "unreachable": row["client__blocked_bot"],
        },
        "psychologist": {"id": row["psychologist__id"], "name": row["psychologist__name"]},
        "service": None
        if row["service__id"] is None
        else {
            "id": row["service__id"],
            "name": row["service__name"],
            "price": row["service__price"],
            "duration_min": row["service__duration_min"],
        },
        "meeting_link": row["meeting_link"],
        "confirmed": row["confirmed"],
        "created_by": Actor(row["created_by"]).value,
        "price": row["price"],
        "allowed_statuses": allowed_targets(status),
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


_PEOPLE: dict[Actor, type[Client] | type[Manager] | type[Psychologist]] = {
    Actor.CLIENT: Client,
    Actor.PSYCHOLOGIST: Psychologist,
    Actor.MANAGER: Manager,
    Actor.ADMIN: Manager,
}


async def _names(rows: list[AuditLog]) -> dict[tuple[Actor, str], str]:
    """The names of the people behind the rows, by (actor, telegram id as text)."""
    names: dict[tuple[Actor, str], str] = {}
    for actor, model in _PEOPLE.items():
        refs = {row.actor_ref for row in rows if row.actor == actor and row.actor_ref.isdigit()}
        if not refs:
            continue
        found = await model.filter(telegram_id__in=[int(ref) for ref in refs]).values_list(
            "telegram_id", "name"
        )
        names.update({(actor, str(telegram_id)): name for telegram_id, name in found if name})
    return names


async def appointment_history(appointment_id: int) -> list[dict[str, Any]]:
    """What happened to an appointment, oldest first, from the audit log: who (kind, name
    when known, reference, channel), what (the action and its details) and when. A move
    carries the starts of the slots it left and took."""
    if not await Appointment.filter(id=appointment_id).exists():
        raise NotFound("appointment not found", field="id")
    rows = await AuditLog.filter(entity="appointment", entity_id=appointment_id).order_by(
        "created_at", "id"
    )
    names = await _names(rows)
    slot_ids = {
        row.data[key]
        for row in rows
        if row.action == "appointment.rescheduled"
        for key in ("from_slot", "to_slot")
        if isinstance(row.data.get(key), int)
    }
    starts = dict(await Slot.filter(id__in=slot_ids).values_list("id", "starts_at"))
    history = []
    for row in rows:
        details = dict(row.data)
        if row.action == "appointment.rescheduled":
            for key in ("from", "to"):
                starts_at = starts.get(details.get(f"{key}_slot"))
                details[f"{key}_starts_at"] = starts_at.isoformat() if starts_at else None
        history.append(
            {
                "at": row.created_at.isoformat(),
                "actor": row.actor.value,
                "actor_name": names.get((row.actor, row.actor_ref)),
                "actor_ref": row.actor_ref,
                "source": row.source,
                "action": row.action,
                "details": details,
            }
        )
    return history
