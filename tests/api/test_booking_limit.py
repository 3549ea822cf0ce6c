"""MAX_ACTIVE_BOOKINGS: one client cannot book every free slot; the refusal names the limit,
managers' phone bookings are exempt, 0 turns the limit off."""

from __future__ import annotations

import asyncio

from db.enums import SlotStatus
from db.models import Appointment, Slot
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot, make_psychologist

BOOK = "/api/v1/appointments"


async def test_a_client_books_up_to_the_limit_and_is_told_the_limit(api: Api) -> None:
    assert api.settings.max_active_bookings == 2  # the shipped default
    psychologist = await make_psychologist()
    slots = [await future_slot(psychologist, hours_ahead=30 + 2 * n) for n in range(3)]
    _, client = await api.client()

    statuses = []
    for slot in slots:
        answer = await api.http.post(BOOK, json={"slot_id": slot.id}, headers=client)
        statuses.append(answer.status)
    refusal = await answer.json()

    assert statuses == [201, 201, 409]
    assert refusal["error"] == "booking_limit"
    assert (refusal["limit"], refusal["field"]) == (2, "slot_id")
    assert "at most 2" in refusal["reason"]
    assert (await Slot.get(id=slots[2].id)).status == SlotStatus.FREE

    # a cancelled session no longer counts
    manager = await api.manager()
    first = await Appointment.filter(slot_id=slots[0].id).first()
    assert first is not None
    cancel = await api.http.patch(
        f"/api/v1/appointments/{first.id}/status", json={"status": "cancelled"}, headers=manager
    )
    assert cancel.status == 200
    again = await api.http.post(BOOK, json={"slot_id": slots[2].id}, headers=client)
    assert again.status == 201


async def test_two_bookings_at_once_at_the_limit_give_one_session(api: Api) -> None:
    psychologist = await make_psychologist()
    booked, one, other = [await future_slot(psychologist, hours_ahead=h) for h in (30, 32, 34)]
    _, client = await api.client()
    assert (await api.http.post(BOOK, json={"slot_id": booked.id}, headers=client)).status == 201

    answers = await asyncio.gather(
        *(api.http.post(BOOK, json={"slot_id": s.id}, headers=client) for s in (one, other))
    )

    assert sorted(a.status for a in answers) == [201, 409]
    assert await Appointment.all().count() == 2


async def test_phone_bookings_by_managers_are_exempt(api: Api) -> None:
    psychologist = await make_psychologist()
    manager = await api.manager()
    for hours in (30, 32, 34):
        slot = await future_slot(psychologist, hours_ahead=hours)
        answer = await api.http.post(
            f"{BOOK}/manual",
            json={"phone": "+79161234567", "name": "Мария", "slot_id": slot.id},
            headers=manager,
        )
        assert answer.status == 201
    assert await Appointment.all().count() == 3


async def test_zero_turns_the_limit_off(api: Api) -> None:
    api.settings.max_active_bookings = 0
    psychologist = await make_psychologist()
    _, client = await api.client()
    for hours in (30, 32, 34, 36):
        slot = await future_slot(psychologist, hours_ahead=hours)
        assert (await api.http.post(BOOK, json={"slot_id": slot.id}, headers=client)).status == 201
