"""The psychologist's schedule editor: a week of slots in the psychologist's own zone, adding
and removing by local time, and who is booked into a slot.

Adding and removing go through domain.schedule.slots (no past, no overlap, never a taken slot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from db.enums import AppointmentStatus, SlotStatus
from db.models import Appointment, Psychologist, Slot, Ticket
from domain import timerules
from domain.errors import InvalidInput, NotFound, SlotExists, SlotInPast, SlotOverlap
from domain.people import psychologists
from domain.schedule import rules, slots
from domain.statuses import ACTIVE
from domain.timerules import client_zone, range_bounds, utcnow, week_start

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
MIN_STEP_MIN = 15
MAX_BULK_SLOTS = 24 * 60 // MIN_STEP_MIN


@dataclass(frozen=True, slots=True)
class EditorPsychologist:
    """The psychologist the editor is open for, and the zone they work in."""

    id: int
    name: str
    zone: ZoneInfo

    @property
    def timezone(self) -> str:
        return self.zone.key


@dataclass(frozen=True, slots=True)
class EditorSlot:
    id: int
    local: datetime  # the start in the psychologist's zone
    starts_at: datetime
    duration_min: int
    status: SlotStatus  # a hold that ran out counts as free
    past: bool
    rule_id: int | None  # the weekly rule that made it


@dataclass(frozen=True, slots=True)
class EditorWeek:
    psychologist: EditorPsychologist
    week_start: date  # its Monday
    slots: list[EditorSlot]
    rules: list[rules.Rule]  # all the psychologist's weekly rules

    @property
    def days(self) -> list[date]:
        return [self.week_start + timedelta(days=i) for i in range(7)]


@dataclass(frozen=True, slots=True)
class SlotBooking:
    """Who is booked into a slot: the client's first name only, and the request (ticket)
    the booking came from."""

    slot_id: int
    local: datetime
    appointment_id: int
    status: AppointmentStatus
    confirmed: bool
    meeting_link: str
    client_first_name: str
    lead_number: str | None
    queries: list[str]


@dataclass(frozen=True, slots=True)
class SkippedSlot:
    slot: datetime  # the local start asked for
    error: str  # the refusal's code
    reason: str


@dataclass(frozen=True, slots=True)
class AddedSlots:
    """The local starts added, and those skipped with the reason."""

    added: list[datetime]
    skipped: list[SkippedSlot]


def zone_of(psychologist: Psychologist) -> ZoneInfo:
    """The zone the psychologist works in (MSK when unset)."""
    return client_zone(psychologist.timezone)


def _editor_psychologist(psychologist: Psychologist) -> EditorPsychologist:
    return EditorPsychologist(psychologist.id, psychologist.name, zone_of(psychologist))


def effective_status(slot: Slot, now: datetime) -> SlotStatus:
    """A hold that ran out counts as free."""
    if slot.status == SlotStatus.HELD and (slot.held_until is None or slot.held_until <= now):
        return SlotStatus.FREE
    return slot.status


def _editor_slot(slot: Slot, zone: ZoneInfo, now: datetime) -> EditorSlot:
    return EditorSlot(
        id=slot.id,
        local=slot.starts_at.astimezone(zone),
        starts_at=slot.starts_at,
        duration_min=slot.duration_min,
        status=effective_status(slot, now),
        past=slot.starts_at <= now,
        rule_id=slot.rule_id,
    )


async def by_telegram_id(telegram_id: int) -> EditorPsychologist:
    """The active psychologist with this Telegram id."""
    found = await Psychologist.filter(telegram_id=telegram_id, is_active=True).first()
    if found is None:
        raise NotFound("no active psychologist has this Telegram account", field="telegram_id")
    return _editor_psychologist(found)


async def by_secret(secret: str) -> EditorPsychologist | None:
    """The active psychologist whose schedule secret this is, or None."""
    found = await psychologists.by_secret(secret)
    return None if found is None else _editor_psychologist(found)


async def week(
    psychologist: EditorPsychologist, monday: date | None = None, *, now: datetime | None = None
) -> EditorWeek:
    """The psychologist's slots of the local week starting `monday` (default: this week)."""
    now = now or utcnow()
    zone = psychologist.zone
    monday = week_start(monday or now.astimezone(zone).date())
    start, end = range_bounds(monday, monday + timedelta(days=6), zone)
    found = await Slot.filter(
        psychologist_id=psychologist.id, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at")
    return EditorWeek(
        psychologist,
        monday,
        [_editor_slot(s, zone, now) for s in found],
        await rules.rules_of(psychologist.id),
    )


def parse_local(text: str, zone: ZoneInfo, field: str = "local") -> datetime:
    """`YYYY-MM-DDTHH:MM` in `zone` as an aware instant."""
    try:
        return datetime.strptime(text, LOCAL_FORMAT).replace(tzinfo=zone)
    except ValueError as exc:
        raise InvalidInput(f"{text[:40]!r} is not YYYY-MM-DDTHH:MM", field=field) from exc


@dataclass(frozen=True, slots=True)
class AddedSlot:
    """The slot added, and the weekly rule it repeats by (None for a one-off slot)."""

    slot: EditorSlot
    rule: rules.Rule | None


async def add(
    psychologist: EditorPsychologist,
    local: str,
    duration_min: int = slots.DEFAULT_DURATION_MIN,
    *,
    weekly: bool = False,
    now: datetime | None = None,
) -> AddedSlot:
    """Add a free slot at the local time `local` of the psychologist's zone; `weekly` repeats
    it every week (domain.schedule.rules)."""
    now = now or utcnow()
    zone = psychologist.zone
    starts_at = parse_local(local, zone)
    if not weekly:
        slot = await slots.add_slot(psychologist.id, starts_at, duration_min, now=now)
        return AddedSlot(_editor_slot(slot, zone, now), None)
    made = await rules.make_rule(psychologist.id, starts_at, duration_min, now=now)
    return AddedSlot(_editor_slot(made.first, zone, now), made.rule)


async def remove(
    psychologist: EditorPsychologist, slot_id: int, *, now: datetime | None = None
) -> None:
    """Remove a slot of the psychologist; a booked or held one is refused with the reason."""
    await slots.remove_slot(psychologist.id, slot_id, now=now)


async def booking_in_slot(psychologist: EditorPsychologist, slot_id: int) -> SlotBooking:
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
    return SlotBooking(
        slot_id=slot.id,
        local=slot.starts_at.astimezone(psychologist.zone),
        appointment_id=appointment.id,
        status=appointment.status,
        confirmed=appointment.confirmed,
        meeting_link=appointment.meeting_link,
        client_first_name=(appointment.client.name or "").split(" ")[0],
        lead_number=ticket.number if ticket else None,
        queries=list(ticket.queries) if ticket else [],
    )


async def _add_each(
    psychologist_id: int,
    wanted: list[tuple[datetime, int]],
    now: datetime,
) -> AddedSlots:
    """Add every (local start, duration) through domain.schedule.slots; a refusal (past, duplicate,
    overlap) is reported with its reason and the rest go on."""
    added: list[datetime] = []
    skipped: list[SkippedSlot] = []
    for starts_at, duration_min in wanted:
        try:
            # As UTC: SQLite compares stored instants as text, so an offset other than
            # +00:00 would slip past the overlap check in domain.schedule.slots.
            await slots.add_slot(psychologist_id, starts_at.astimezone(UTC), duration_min, now=now)
        except (SlotInPast, SlotExists, SlotOverlap) as refusal:
            skipped.append(SkippedSlot(starts_at, refusal.code, refusal.message))
        else:
            added.append(starts_at)
    return AddedSlots(added, skipped)


async def copy_previous_week(
    psychologist_id: int, week_start: date, tz: ZoneInfo, *, now: datetime | None = None
) -> AddedSlots:
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
) -> AddedSlots:
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
