"""The managers' board and the appointment as callers see it.

Every read of cards is one query (plain SQL, the same on both databases): the appointment's
client, psychologist and service come with it through joins, never one query per card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from db.enums import Actor, AppointmentStatus
from db.models import Appointment, AuditLog, Client, Manager, Psychologist, Slot
from db.plain_sql import fetch, instant
from domain.booking.taking import Parties
from domain.errors import NotFound
from domain.statuses import allowed_targets
from domain.timerules import MSK, period, range_bounds, utcnow

DEFAULT_BOARD_DAYS = 14
MAX_BOARD_DAYS = 92


@dataclass(frozen=True, slots=True)
class CardClient:
    id: int
    name: str
    phone: str | None
    telegram_id: int | None
    unreachable: bool  # the client blocked the bot: messages do not reach them
    timezone: str  # IANA name: staff see a session in the client's own time too


@dataclass(frozen=True, slots=True)
class CardPsychologist:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CardService:
    id: int
    name: str
    price: int
    duration_min: int


@dataclass(frozen=True, slots=True)
class CardSeries:
    """The weekly series a card is one of: its `number`-th session by time, of `count`."""

    id: int
    number: int
    count: int


@dataclass(frozen=True, slots=True)
class AppointmentCard:
    """An appointment with its client, psychologist and service, as the board shows it."""

    id: int
    status: AppointmentStatus
    starts_at: datetime
    duration_min: int
    client: CardClient
    psychologist: CardPsychologist
    service: CardService | None
    meeting_link: str
    confirmed: bool
    created_by: Actor
    price: int | None
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    late_cancel: bool  # the client cancelled it within LATE_CANCEL_HOURS of the start
    series: CardSeries | None  # one of a weekly series, if it is

    @property
    def series_id(self) -> int | None:
        return None if self.series is None else self.series.id

    @property
    def allowed_statuses(self) -> tuple[AppointmentStatus, ...]:
        """The columns the card may move to, in board order."""
        return _ALLOWED[self.status]


# Worked out once: a board asks this of every card.
_ALLOWED = {
    status: tuple(AppointmentStatus(target) for target in allowed_targets(status))
    for status in AppointmentStatus
}


# The columns of a card, in the order _card reads them.
_CARDS_SQL = """
SELECT a.id, a.status, a.starts_at, a.duration_min,
       c.id, c.name, c.phone, c.telegram_id, c.blocked_bot, c.timezone,
       p.id, p.name,
       s.id, s.name, s.price, s.duration_min,
       a.meeting_link, a.confirmed, a.created_by, a.price, a.created_at, a.updated_at,
       a.cancelled_at, a.late_cancel, a.series_id,
       CASE WHEN a.series_id IS NULL THEN NULL ELSE (
         SELECT COUNT(*) FROM appointments b WHERE b.series_id = a.series_id
           AND (b.starts_at < a.starts_at OR (b.starts_at = a.starts_at AND b.id <= a.id))
       ) END,
       CASE WHEN a.series_id IS NULL THEN NULL ELSE (
         SELECT COUNT(*) FROM appointments b WHERE b.series_id = a.series_id
       ) END
FROM appointments a
JOIN clients c ON c.id = a.client_id
JOIN psychologists p ON p.id = a.psychologist_id
LEFT JOIN services s ON s.id = a.service_id
"""
_ONE_SQL = _CARDS_SQL + "WHERE a.id = $1"
_OF_CLIENT_SQL = _CARDS_SQL + "WHERE a.client_id = $1 ORDER BY a.starts_at DESC, a.id DESC"
_BOARD_SQL = (
    _CARDS_SQL
    + """WHERE a.starts_at >= $1 AND a.starts_at < $2
  AND (CAST($3 AS INTEGER) IS NULL OR s.branch_id = $3)
  AND (CAST($4 AS INTEGER) IS NULL OR a.psychologist_id = $4)
ORDER BY a.starts_at, a.id
"""
)


def _card(row: Any) -> AppointmentCard:
    (
        appointment_id, status, starts_at, duration_min,
        client_id, client_name, phone, telegram_id, blocked_bot, client_zone,
        psychologist_id, psychologist_name,
        service_id, service_name, service_price, service_duration_min,
        meeting_link, confirmed, created_by, price, created_at, updated_at,
        cancelled_at, late_cancel, series_id, series_number, series_count,
    ) = row  # fmt: skip
    return AppointmentCard(
        id=appointment_id,
        status=AppointmentStatus(status),
        starts_at=instant(starts_at),
        duration_min=duration_min,
        client=CardClient(
            client_id, client_name, phone, telegram_id, bool(blocked_bot), client_zone
        ),
        psychologist=CardPsychologist(psychologist_id, psychologist_name),
        service=None
        if service_id is None
        else CardService(service_id, service_name, service_price, service_duration_min),
        meeting_link=meeting_link,
        confirmed=bool(confirmed),
        created_by=Actor(created_by),
        price=price,
        created_at=instant(created_at),
        updated_at=instant(updated_at),
        cancelled_at=None if cancelled_at is None else instant(cancelled_at),
        late_cancel=bool(late_cancel),
        series=None
        if series_id is None
        else CardSeries(series_id, int(series_number), int(series_count)),
    )


def new_card(appointment: Appointment, parties: Parties) -> AppointmentCard:
    """The card of an appointment just booked (one of no series), from what its booking read
    and wrote: the card `load` would read back after commit, without reading it."""
    client, psychologist, service = parties.client, parties.psychologist, parties.service
    assert psychologist is not None
    return AppointmentCard(
        id=appointment.id,
        status=appointment.status,
        starts_at=appointment.starts_at,
        duration_min=appointment.duration_min,
        client=CardClient(
            client.id,
            client.name,
            client.phone,
            client.telegram_id,
            client.blocked_bot,
            client.timezone,
        ),  # fmt: skip
        psychologist=CardPsychologist(psychologist.id, psychologist.name),
        service=None
        if service is None
        else CardService(service.id, service.name, service.price, service.duration_min),
        meeting_link=appointment.meeting_link,
        confirmed=appointment.confirmed,
        created_by=appointment.created_by,
        price=appointment.price,
        created_at=appointment.created_at,
        updated_at=appointment.updated_at,
        cancelled_at=None,
        late_cancel=False,
        series=None,
    )


async def load(appointment_id: int) -> AppointmentCard:
    """The appointment with its client, psychologist and service."""
    rows = await fetch(_ONE_SQL, appointment_id)
    if not rows:
        raise NotFound("appointment not found", field="appointment_id")
    return _card(rows[0])


async def client_appointments(client_id: int) -> list[AppointmentCard]:
    """A client's appointments, the latest session first."""
    return [_card(row) for row in await fetch(_OF_CLIENT_SQL, client_id)]


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
) -> dict[AppointmentStatus, list[AppointmentCard]]:
    """Appointments of the MSK days `date_from`..`date_to` (at most MAX_BOARD_DAYS of them),
    by status column (every column, empty ones too), by time."""
    columns: dict[AppointmentStatus, list[AppointmentCard]] = {
        status: [] for status in AppointmentStatus
    }
    days = period(date_from, date_to, MAX_BOARD_DAYS)
    if days is None:
        return columns
    start, end = range_bounds(*days, MSK)
    for row in await fetch(_BOARD_SQL, start, end, branch_id, psychologist_id):
        card = _card(row)
        columns[card.status].append(card)
    return columns


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of an appointment: who (kind, name when known, reference, channel), what
    (the action and its data) and when."""

    at: datetime
    actor: Actor
    actor_name: str | None
    actor_ref: str
    source: str
    action: str
    # The action's data as recorded; a move adds the starts of the slots it left and took
    # (from_starts_at, to_starts_at: None once a slot is gone).
    details: dict[str, Any]


_PEOPLE: dict[Actor, type[Client] | type[Manager] | type[Psychologist]] = {
    Actor.CLIENT: Client,
    Actor.PSYCHOLOGIST: Psychologist,
    Actor.MANAGER: Manager,
    Actor.ADMIN: Manager,
}
_MOVED = "appointment.rescheduled"


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


async def appointment_history(appointment_id: int) -> list[HistoryEntry]:
    """What happened to an appointment, oldest first, from the audit log."""
    if not await Appointment.filter(id=appointment_id).exists():
        raise NotFound("appointment not found", field="appointment_id")
    rows = await AuditLog.filter(entity="appointment", entity_id=appointment_id).order_by(
        "created_at", "id"
    )
    names = await _names(rows)
    slot_ids = {
        row.data[key]
        for row in rows
        if row.action == _MOVED
        for key in ("from_slot", "to_slot")
        if isinstance(row.data.get(key), int)
    }
    starts = dict(await Slot.filter(id__in=slot_ids).values_list("id", "starts_at"))
    history = []
    for row in rows:
        details = dict(row.data)
        if row.action == _MOVED:
            for key in ("from", "to"):
                details[f"{key}_starts_at"] = starts.get(details.get(f"{key}_slot"))
        history.append(
            HistoryEntry(
                at=row.created_at,
                actor=row.actor,
                actor_name=names.get((row.actor, row.actor_ref)),
                actor_ref=row.actor_ref,
                source=row.source,
                action=row.action,
                details=details,
            )
        )
    return history
