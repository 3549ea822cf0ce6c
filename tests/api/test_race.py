"""Fifty clients race for one slot through HTTP: exactly one booking, the rest 409."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from db.models import Appointment, Slot
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot
from tests.harness.stores import IS_POSTGRES

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="row locking is tested on PostgreSQL")

RACERS = 50


async def test_fifty_clients_book_one_slot(api: Api) -> None:
    slot = await future_slot()
    racers = [(await api.client())[1] for _ in range(RACERS)]

    answers = await asyncio.gather(
        *(
            api.http.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=headers)
            for headers in racers
        )
    )
    bodies = [await answer.json() for answer in answers]

    assert Counter(answer.status for answer in answers) == {201: 1, 409: RACERS - 1}
    assert {body["error"] for body in bodies if "error" in body} <= {"slot_booked", "slot_held"}
    winner = next(body for body in bodies if "id" in body)
    assert await Appointment.all().values_list("id", flat=True) == [winner["id"]]
    assert (await Slot.get(id=slot.id)).status == "booked"
