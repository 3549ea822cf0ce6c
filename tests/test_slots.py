"""Adding and removing a psychologist's slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from db.enums import Actor
from db.models import Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.errors import (
    InvalidInput,
    NotFound,
    SlotBooked,
    SlotExists,
    SlotHeld,
    SlotInPast,
    SlotOverlap,
)
from domain.schedule import slots
from tests.harness.builders import NOW, make_client, make_psychologist

pytestmark = pytest.mark.usefixtures("database")

TOMORROW_NOON_MSK = NOW + timedelta(hours=24)


async def test_add_slot_in_the_future() -> None:
    psychologist = await make_psychologist()
    slot = await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK, now=NOW)
    stored = await Slot.get(id=slot.id)
    assert (stored.starts_at, stored.duration_min) == (TOMORROW_NOON_MSK, 60)


async def test_past_slot_is_refused() -> None:
    psychologist = await make_psychologist()
    with pytest.raises(SlotInPast, match="24.11 12:00 is in the past"):
        await slots.add_slot(psychologist.id, NOW, now=NOW)
    assert await Slot.all().count() == 0


async def test_duplicate_and_overlapping_slots_are_refused() -> None:
    psychologist = await make_psychologist()
    await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK, now=NOW)
    with pytest.raises(SlotExists):
        await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK, now=NOW)
    with pytest.raises(SlotOverlap, match="overlaps the slot at 25.11 12:00"):
        await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK + timedelta(minutes=30), now=NOW)
    with pytest.raises(SlotOverlap):
        await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK - timedelta(minutes=30), now=NOW)
    # back to back is fine, and another psychologist may use the same hour
    await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK + timedelta(minutes=60), now=NOW)
    other = await make_psychologist()
    await slots.add_slot(other.id, TOMORROW_NOON_MSK, now=NOW)
    assert await Slot.all().count() == 3


async def test_bad_duration_and_unknown_psychologist() -> None:
    psychologist = await make_psychologist()
    with pytest.raises(InvalidInput) as refused:
        await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK, 5, now=NOW)
    assert refused.value.field == "duration_min"
    with pytest.raises(NotFound):
        await slots.add_slot(987_654, TOMORROW_NOON_MSK, now=NOW)


async def test_remove_free_slot_but_never_a_taken_one() -> None:
    psychologist = await make_psychologist()
    free = await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK, now=NOW)
    held = await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK + timedelta(hours=2), now=NOW)
    taken = await slots.add_slot(psychologist.id, TOMORROW_NOON_MSK + timedelta(hours=4), now=NOW)
    alice, bob = await make_client(), await make_client()
    await appointments.hold_slot(alice.id, held.id, now=NOW)
    await appointments.book(
        bob.id, taken.id, Initiator(Actor.CLIENT), require_own_hold=False, now=NOW
    )

    await slots.remove_slot(psychologist.id, free.id, now=NOW)
    with pytest.raises(SlotHeld):
        await slots.remove_slot(psychologist.id, held.id, now=NOW)
    with pytest.raises(SlotBooked, match="is booked"):
        await slots.remove_slot(psychologist.id, taken.id, now=NOW)
    # once the hold runs out the slot can go
    await slots.remove_slot(psychologist.id, held.id, now=NOW + timedelta(minutes=6))
    assert [s.id for s in await Slot.all()] == [taken.id]


async def test_one_psychologist_cannot_remove_anothers_slot() -> None:
    owner, intruder = await make_psychologist(), await make_psychologist()
    slot = await slots.add_slot(owner.id, TOMORROW_NOON_MSK, now=NOW)
    with pytest.raises(NotFound):
        await slots.remove_slot(intruder.id, slot.id, now=NOW)
    assert await Slot.filter(id=slot.id).exists()


async def test_overlap_is_found_whatever_zone_the_start_carries() -> None:
    psychologist = await make_psychologist()
    novosibirsk = ZoneInfo("Asia/Novosibirsk")
    half_past = datetime(2026, 11, 26, 11, 30, tzinfo=novosibirsk)
    await slots.add_slot(psychologist.id, half_past, now=NOW)
    with pytest.raises(SlotOverlap):
        await slots.add_slot(psychologist.id, half_past - timedelta(minutes=30), now=NOW)
    with pytest.raises(SlotExists):
        await slots.add_slot(psychologist.id, half_past.astimezone(UTC), now=NOW)
