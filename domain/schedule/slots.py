"""A psychologist's slots: adding (no overlap, no past) and removing (never a taken one)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from db.enums import SlotStatus
from db.models import Psychologist, Slot
from domain.changes import data_changed
from domain.errors import (
    InvalidInput,
    NotFound,
    SlotBooked,
    SlotExists,
    SlotHeld,
    SlotInPast,
    SlotOverlap,
)
from domain.timerules import MSK, format_slot, utcnow

DEFAULT_DURATION_MIN = 60
MIN_DURATION_MIN = 15
MAX_DURATION_MIN = 240


def free_now(now: datetime) -> Q:
    """Slots nobody occupies at `now`: free, or held with the hold run out."""
    return Q(status=SlotStatus.FREE) | Q(status=SlotStatus.HELD, held_until__lte=now)


async def add_slot(
    psychologist_id: int,
    starts_at: datetime,
    duration_min: int = DEFAULT_DURATION_MIN,
    *,
    now: datetime | None = None,
    rule_id: int | None = None,
) -> Slot:
    """Add a free slot (made by the weekly rule `rule_id`, if given). Refuses a past start, a
    duplicate, and an overlap with another slot."""
    now = now or utcnow()
    if starts_at.tzinfo is None:
        raise InvalidInput("the start time must carry a time zone", field="starts_at")
    if not MIN_DURATION_MIN <= duration_min <= MAX_DURATION_MIN:
        raise InvalidInput(
            f"duration must be {MIN_DURATION_MIN}..{MAX_DURATION_MIN} minutes",
            field="duration_min",
        )
    if starts_at <= now:
        raise SlotInPast(f"{format_slot(starts_at, MSK)} is in the past", field="slot")
    # Stored instants are UTC; SQLite compares them as text, so every bound must be UTC too.
    starts_at = starts_at.astimezone(UTC)
    ends_at = starts_at + timedelta(minutes=duration_min)
    async with in_transaction():
        # The psychologist's row lock serialises concurrent adds (PostgreSQL); the overlap
        # check below is then race-free. SQLite has one writer anyway.
        psychologist = await Psychologist.filter(id=psychologist_id).select_for_update().first()
        if psychologist is None:
            raise NotFound("psychologist not found", field="psychologist")
        nearby = await Slot.filter(
            psychologist_id=psychologist_id,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - timedelta(minutes=MAX_DURATION_MIN),
        ).values_list("starts_at", "duration_min")
        for other_start, other_duration in nearby:
            if other_start == starts_at:
                raise SlotExists(f"{format_slot(starts_at, MSK)} already exists", field="slot")
            if other_start + timedelta(minutes=other_duration) > starts_at:
                raise SlotOverlap(
                    f"{format_slot(starts_at, MSK)} overlaps the slot at "
                    f"{format_slot(other_start, MSK)}",
                    field="slot",
                )
        try:
            slot = await Slot.create(
                psychologist_id=psychologist_id,
                starts_at=starts_at,
                duration_min=duration_min,
                rule_id=rule_id,
            )
        except IntegrityError as exc:
            raise SlotExists(
                f"{format_slot(starts_at, MSK)} already exists", field="slot"
            ) from exc
    await data_changed("slots.changed")
    return slot


async def remove_slot(psychologist_id: int, slot_id: int, *, now: datetime | None = None) -> None:
    """Remove a slot of this psychologist unless it is booked or held by a client right now."""
    now = now or utcnow()
    async with in_transaction():
        deleted = await Slot.filter(
            Q(id=slot_id, psychologist_id=psychologist_id) & free_now(now)
        ).delete()
        if deleted:
            await data_changed("slots.changed")
            return
        slot = await Slot.filter(id=slot_id, psychologist_id=psychologist_id).first()
        if slot is None:
            raise NotFound("slot not found", field="slot")
        when = format_slot(slot.starts_at, MSK)
        if slot.status == SlotStatus.BOOKED:
            raise SlotBooked(f"{when} is booked and cannot be removed", field="slot")
        raise SlotHeld(
            f"{when} is being booked by a client right now",
            field="slot",
            held_until=slot.held_until,
        )


async def remove_slot_at(
    psychologist_id: int, starts_at: datetime, *, now: datetime | None = None
) -> None:
    """Remove this psychologist's slot that starts at `starts_at` (as remove_slot does)."""
    now = now or utcnow()
    when = format_slot(starts_at, MSK)
    if starts_at <= now:
        raise SlotInPast(f"{when} is in the past", field="slot")
    slot_id = (
        await Slot.filter(psychologist_id=psychologist_id, starts_at=starts_at)
        .first()
        .values_list("id", flat=True)
    )
    if slot_id is None:
        raise NotFound(f"you have no slot at {when}", field="slot")
    await remove_slot(psychologist_id, slot_id, now=now)
