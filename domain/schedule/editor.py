"""The psychologist's schedule editor: a week of slots in the psychologist's own zone, adding
and removing by local time, and who is booked into a slot.

Adding and removing go through domain.schedule.slots (no past, no overlap, never a taken slot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from db.enums import SlotStatus
from db.models import Appointment, Psychologist, Slot, Ticket
from domain import timerules
from domain.booking.statuses import ACTIVE
from domain.errors import InvalidInput, NotFound, SlotExists, SlotInPast, SlotOverlap
from domain.schedule import slots
from domain.timerules import client_zone, range_bounds, utcnow, week_start

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
MIN_STEP_MIN = 15
MAX_BULK_SLOTS = 24 * 60 // MIN_STEP_MIN


@dataclass(frozen=True, slots=True)
class EditorWeek:
    psychologist: Psychologist
    zone: ZoneInfo
    monday: date
    slots: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "psychologist": {
                "id": self.psychologist.id,
                "name": self.psychologist.name,
                "timezone": self.zone.key,
            },
            "week_start": self.monday.isoformat(),
            "days": [(self.monday + timedelta(days=i)).isoformat() for i in range(7)],
            "slots": self.slots,
        }


def zone_of(psychologist: Psychologist) -> ZoneInfo:
    """The zone the psychologist works in (MSK when unset)."""
    return client_zone(psychologist.timezone)


def effective_status(slot: Slot, now: datetime) -> SlotStatus:
    """A hold that ran out counts as free."""
    if slot.status == SlotStatus.HELD and (slot.held_until is None or slot.held_until <= now):
        return SlotStatus.FREE
    return slot.status


def slot_json(slot: Slot, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    return {
        "id": slot.id,
        "local": slot.starts_at.astimezone(zone).strftime(LOCAL_FORMAT),
        "starts_at": slot.starts_at.isoformat(),
        "duration_min": slot.duration_min,
        "status": effective_status(slot, now).value,
        "past": slot.starts_at <= now,
    }


async def by_telegram_id(telegram_id: int) -> Psychologist:
    """The active psychologist with this Telegram id."""
    found = await Psychologist.filter(telegram_id=telegram_id, is_active=True).first()
    if found is None:
        raise NotFound("no active psychologist has this Telegram account", field="token")
    return found


async def week(
    psychologist: Psychologist, monday: date | None = None, *, now: datetime | None = None
) -> EditorWeek:
    """The psychologist's slots of the local week starting `monday` (default: this week)."""
    now = now or utcnow()
    zone = zone_of(psychologist)
    monday = week_start(monday or now.astimezone(zone).date())
    start, end = range_bounds(monday, monday + timedelta(days=6), zone)
    found = await Slot.filter(
        psychologist_id=psychologist.id, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at")
    return EditorWeek(psychologist, zone, monday, [slot_json(s, zone, now) for s in found])


def parse_local(text: str, zone: ZoneInfo, field: str = "local") -> datetime:
    """`YYYY-MM-DDTHH:MM` in `zone` as an aware instant."""
    try:
        return datetime.strptime(text, LOCAL_FORMAT).replace(tzinfo=zone)
    except ValueError as exc:
        raise InvalidInput(f"{text[:40]!r} is not YYYY-MM-DDTHH:MM", field=field) from exc


async def add(
    psychologist: Psychologist,
    local: str,
    duration_min: int = slots.DEFAULT_DURATION_MIN,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Add a free slot at the local time `local` of the psychologist's zone."""
    now = now or utcnow()
    zone = zone_of(psychologist)
    slot = await slots.add_slot(psychologist.id, parse_local(local, zone), duration_min, now=now)
    return slot_json(slot, zone, now)


async def remove(psychologist: Psychologist, slot_id: int, *, now: datetime | None = None) -> None:
    """Remove a slot of the psychologist; a booked or held one is refused with the reason."""
    await slots.remove_slot(psychologist.id, slot_id, now=now)


async def booking_in_slot(psychologist: Psychologist, slot_id: int) -> dict[str, Any]:
    """Who is booked into the psychologist's slot: the client's first name, the confirmation
    state, the meeting link, and the request (ticket) it came from."""
    slot = await Slot.filter(id=slot_id, psychologist_id=psychologist.id).first()
    if slot is None:
        raise NotFound("slot not found", field="slot_id")
    appointment = (
        await Appointment.filter(active_slot_id=slot.id, status__in=list(ACTIVE))
        .select_related("client")
        .first()
    )
    if appointment is None:
        raise NotFound("nobody is booked in this slot", field="slot_id")
    ticket = (
        await Ticket.filter(id=appointment.ticket_id).first() if appointment.ticket_id else None
    )
    zone = zone_of(psychologist)
    return {
        "slot_id": slot.id,
        "local": slot.starts_at.astimezone(zone).strftime(LOCAL_FORMAT),
        "appointment_id": appointment.id,
        "status": appointment.status.value,
        "confirmed": appointment.confirmed,
        "meeting_link": appointment.meeting_link,
        "client_first_name": (appointment.client.name or "").split(" ")[0],
        "lead_number": ticket.number if ticket else None,
        "queries": list(ticket.queries) if ticket else [],
    }


async def _add_each(
    psychologist_id: int,
    wanted: list[tuple[datetime, int]],
    now: datetime,
) -> dict[str, Any]:
    """Add every (local start, duration) through domain.schedule.slots; a refusal (past, duplicate,
    overlap) is reported with its reason and the rest go on."""
    added: list[str] = []
    skipped: list[dict[str, str]] = []
    for starts_at, duration_min in wanted:
        local = starts_at.strftime(LOCAL_FORMAT)
        try:
            # As UTC: SQLite compares stored instants as text, so an offset other than
            # +00:00 would slip past the overlap check in domain.schedule.slots.
            await slots.add_slot(psychologist_id, starts_at.astimezone(UTC), duration_min, now=now)
        except (SlotInPast, SlotExists, SlotOverlap) as refusal:
            skipped.append({"slot": local, "error": refusal.code, "reason": refusal.message})
        else:
            added.append(local)
    return {"added": added, "skipped": skipped}


async def copy_previous_week(
    psychologist_id: int, week_start: date, tz: ZoneInfo, *, now: datetime | None = None
) -> dict[str, Any]:
    """Repeat the previous week's slots (same weekday, same local time and length in `tz`) in
    the week holding `week_start`; past, duplicate and overlapping ones are skipped."""
    now = now or utcnow()
    monday = timerules.week_start(week_start)
    start, end = range_bounds(monday - timedelta(days=7), monday - timedelta(days=1), tz)
    previous = await Slot.filter(
        psychologist_id=psychologist_id, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at")
    wanted = []
    for slot in previous:
        # Wall-clock arithmetic, so a DST change between the weeks keeps the local time.
        local = slot.starts_at.astimezone(tz)
        wanted.append(
            (
                datetime.combine(local.date() + timedelta(days=7), local.time(), tzinfo=tz),
                slot.duration_min,
            )
        )
    return await _add_each(psychologist_id, wanted, now)


async def bulk_add(
    psychologist_id: int,
    day: date,
    start: time,
    end: time,
    *,
    tz: ZoneInfo,
    step_min: int = 60,
    duration_min: int = slots.DEFAULT_DURATION_MIN,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Add slots on the local `day` every `step_min` minutes from `start` up to (not
    including) `end` (none when `end` is not after `start`); past, duplicate and overlapping
    ones are skipped. One day at the shortest step bounds the count (MAX_BULK_SLOTS)."""
    now = now or utcnow()
    if step_min < MIN_STEP_MIN:
        raise InvalidInput(f"the step must be at least {MIN_STEP_MIN} minutes", field="step_min")
    first = datetime.combine(day, start)
    last = datetime.combine(day, end)
    count = max(0, -(-(last - first) // timedelta(minutes=step_min)))  # ceiling: end excluded
    wanted = [
        ((first + timedelta(minutes=step_min * i)).replace(tzinfo=tz), duration_min)
        for i in range(count)
    ]
    return await _add_each(psychologist_id, wanted, now)
