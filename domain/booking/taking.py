"""The statements of a hold and of a booking, one round trip each (plain SQL, the same on
both databases, db/plain_sql.py): release the client's other hold, take a hold, lock the
client while reading who the booking concerns, take a slot, write the appointment.

Each change is a conditional UPDATE whose WHERE clause states what must still be true (the
slot is free, or held by this client), and which RETURNING what the next step needs: the
database decides a race, and the loser learns it from the rows it did not get.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.models import Appointment
from db.plain_sql import fetch, fetch_locked, instant
from domain.statuses import ACTIVE

# The client's hold on any slot but $2 ends (a client holds one slot at a time).
_RELEASE_OTHER_HOLDS_SQL = """
UPDATE slots SET status = 'free', held_by_id = NULL, held_until = NULL
WHERE held_by_id = $1 AND id <> $2
"""

# Slot $3 is held by client $1 until $2, if it is still to come at $4 and free (or its hold
# has run out: domain.schedule.slots.free_now) or held by this client already (renewed).
_HOLD_WHERE = """
UPDATE slots SET status = 'held', held_by_id = $1, held_until = $2
WHERE id = $3 AND starts_at > $4
  AND (status = 'free' OR (status = 'held' AND (held_until <= $4 OR held_by_id = $1)))
"""
_HOLD_SQL = _HOLD_WHERE + "RETURNING id"
# The same, only when the client holds no other slot (one slot a client: unique hold owner).
_ONLY_HOLD_SQL = (
    _HOLD_WHERE
    + "  AND NOT EXISTS (SELECT 1 FROM slots o WHERE o.held_by_id = $1 AND o.id <> $3)\n"
    + "RETURNING id"
)

# The client (its row locked: their bookings are counted one after another), the
# psychologist of slot $2 and the active service $3, if any.
_PARTIES_SQL = """
SELECT c.id, c.name, c.phone, c.telegram_id, c.blocked_bot, c.language, c.timezone,
       p.id, p.name, p.telegram_id, p.language, p.timezone, p.min_price,
       v.id, v.name, v.price, v.duration_min
FROM clients c
LEFT JOIN slots s ON s.id = $2
LEFT JOIN psychologists p ON p.id = s.psychologist_id
LEFT JOIN services v ON v.id = $3 AND v.is_active
WHERE c.id = $1
"""

# Slot $1 is booked if it is still to come at $2 and held by client $3 with the hold running,
# or, with $4, free (or its hold run out).
_TAKE_SQL = """
UPDATE slots SET status = 'booked', held_by_id = NULL, held_until = NULL
WHERE id = $1 AND starts_at > $2
  AND ((status = 'held' AND held_by_id = $3 AND held_until > $2)
       OR ($4 AND (status = 'free' OR (status = 'held' AND held_until <= $2))))
RETURNING starts_at, duration_min, psychologist_id
"""

# The client's upcoming active sessions: those of no series, and the series they are of.
_UPCOMING_SQL = f"""
SELECT COUNT(CASE WHEN series_id IS NULL THEN 1 END), COUNT(DISTINCT series_id)
FROM appointments
WHERE client_id = $1 AND starts_at > $2
  AND status IN ({", ".join(f"'{status.value}'" for status in sorted(ACTIVE))})
"""

APPOINTMENT_COLUMNS = (
    "slot_id", "active_slot_id", "client_id", "psychologist_id", "service_id", "ticket_id",
    "series_id", "status", "confirmed", "confirmed_at", "starts_at", "duration_min",
    "auto_assigned", "created_by", "price", "meeting_link", "meeting_id",
    "calendar_meeting_id", "auto_canceled", "late_cancel", "cancel_reason", "cancelled_at",
    "created_at", "updated_at",
)  # fmt: skip
_INSERT_APPOINTMENT_SQL = (
    f"INSERT INTO appointments ({', '.join(APPOINTMENT_COLUMNS)}) VALUES "
    f"({', '.join(f'${n}' for n in range(1, len(APPOINTMENT_COLUMNS) + 1))}) RETURNING id"
)


@dataclass(frozen=True, slots=True)
class BookingClient:
    """The client of a booking: what its card shows and what their message needs."""

    id: int
    name: str
    phone: str | None
    telegram_id: int | None
    blocked_bot: bool
    language: str
    timezone: str


@dataclass(frozen=True, slots=True)
class BookingPsychologist:
    id: int
    name: str
    telegram_id: int | None
    language: str
    timezone: str
    min_price: int | None


@dataclass(frozen=True, slots=True)
class BookingService:
    id: int
    name: str
    price: int
    duration_min: int


@dataclass(frozen=True, slots=True)
class Parties:
    """Whom a booking concerns, read in one statement; the psychologist is None when the
    slot does not exist, the service when none was asked for or it is not on offer."""

    client: BookingClient
    psychologist: BookingPsychologist | None
    service: BookingService | None


@dataclass(frozen=True, slots=True)
class Takeable:
    """The slots a booking may take: held by client `holder` (hold running) and, with
    `free`, free ones too."""

    holder: int | None
    free: bool


@dataclass(frozen=True, slots=True)
class TakenSlot:
    id: int
    starts_at: datetime
    duration_min: int
    psychologist_id: int


async def release_other_holds(client_id: int, slot_id: int) -> None:
    await fetch(_RELEASE_OTHER_HOLDS_SQL, client_id, slot_id)


async def take_hold(
    client_id: int, slot_id: int, now: datetime, until: datetime, *, only: bool = False
) -> bool:
    """Whether the slot is now held by the client until `until`; with `only`, not when the
    client holds another slot (it is left held)."""
    return bool(await fetch(_ONLY_HOLD_SQL if only else _HOLD_SQL, client_id, until, slot_id, now))


async def lock_parties(client_id: int, slot_id: int, service_id: int | None) -> Parties | None:
    """In a transaction: the parties of booking slot `slot_id`, the client's row locked; None
    when there is no such client."""
    rows = await fetch_locked(_PARTIES_SQL, client_id, slot_id, service_id, of="c")
    if not rows:
        return None
    (
        client_id, name, phone, telegram_id, blocked_bot, language, zone,
        psychologist_id, psychologist_name, psychologist_telegram_id, psychologist_language,
        psychologist_zone, min_price,
        service_id, service_name, price, duration_min,
    ) = rows[0]  # fmt: skip
    client = BookingClient(client_id, name, phone, telegram_id, bool(blocked_bot), language, zone)
    psychologist = None
    if psychologist_id is not None:
        psychologist = BookingPsychologist(
            psychologist_id,
            psychologist_name,
            psychologist_telegram_id,
            psychologist_language,
            psychologist_zone,
            min_price,
        )
    service = None
    if service_id is not None:
        service = BookingService(service_id, service_name, price, duration_min)
    return Parties(client, psychologist, service)


async def upcoming_bookings(client_id: int, now: datetime) -> int:
    """The client's bookings still to come at `now`: a weekly series counts as one."""
    ((single, series),) = await fetch(_UPCOMING_SQL, client_id, now)
    return single + series


async def take_slot(slot_id: int, takeable: Takeable, now: datetime) -> TakenSlot | None:
    """Book the slot if it is `takeable` at `now`; None when it is not (any more)."""
    rows = await fetch(_TAKE_SQL, slot_id, now, takeable.holder, takeable.free)
    if not rows:
        return None
    starts_at, duration_min, psychologist_id = rows[0]
    return TakenSlot(slot_id, instant(starts_at), duration_min, psychologist_id)


async def insert_appointment(values: dict[str, object]) -> Appointment:
    """Write the appointment of `values` (every column of APPOINTMENT_COLUMNS); the model of
    the row written, without reading it back."""
    rows = await fetch(_INSERT_APPOINTMENT_SQL, *(values[c] for c in APPOINTMENT_COLUMNS))
    # The model of a stored row, as the ORM makes one from a SELECT.
    return Appointment._init_from_db(id=rows[0][0], **values)
