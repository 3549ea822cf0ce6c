"""Reassignment: moving a lead's client, and what the client chooses from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from db.enums import Actor, SlotStatus
from db.models import Appointment, Slot, Ticket
from domain.audit import Initiator
from domain.booking import appointments, reassignment
from domain.errors import NotFound
from tests.harness.integrations import (
    Psy,
    add_slots,
    automatch,
    fill_anketa,
    instant,
    next_monday,
    slot_at,
)


async def _booked(web_client: TestClient, headers: dict[str, str]) -> tuple[Psy, Psy, dict]:
    anna = await fill_anketa(web_client, headers, "Анна Иванова", 5001)
    boris = await fill_anketa(web_client, headers, "Борис Орлов", 5002, queries=["Сон"])
    monday = next_monday()
    await add_slots(web_client, anna, slot_at(monday, 10), slot_at(monday, 12))
    await add_slots(web_client, boris, slot_at(monday, 15))
    status, match = await automatch(web_client, headers, [anna.name], [slot_at(monday, 10)])
    assert status == 200
    return anna, boris, match


async def test_reassign_moves_the_session_and_keeps_its_link(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, boris, match = await _booked(web_client, token_headers)
    monday = next_monday()

    answer = await web_client.post(
        "/reassign",
        json={
            "lead_number": match["lead_number"],
            "filtered_psychologists": f"{boris.name}, {anna.name}",
            "slots": f"{slot_at(monday, 15)};{slot_at(monday, 12)}",
            "_queries": "Сон;Тревога",
        },
        headers=token_headers,
    )

    assert answer.status == 200
    body = await answer.json()
    assert (body["psychologist"], body["slot"]) == (boris.name, slot_at(monday, 15))
    assert body["previous_lead_number"] == match["lead_number"]
    assert body["lead_number"] != match["lead_number"]
    assert body["meeting_link"] == match["meeting_link"]
    assert body["appointment_id"] == match["appointment_id"]
    old_slot = await Slot.get(starts_at=instant(monday, 10))
    assert old_slot.status == SlotStatus.FREE
    new_ticket = await Ticket.get(number=body["lead_number"]).prefetch_related("previous")
    assert new_ticket.previous.number == match["lead_number"]
    assert new_ticket.queries == ["Сон", "Тревога"]
    assert (await Ticket.get(number=match["lead_number"])).status == "closed"
    assert (await Appointment.get(id=body["appointment_id"])).ticket_id == new_ticket.id


async def test_reassign_refuses_unknown_leads_bad_slots_and_no_token(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, _, match = await _booked(web_client, token_headers)
    good = {
        "lead_number": match["lead_number"],
        "filtered_psychologists": anna.name,
        "slots": slot_at(next_monday(), 12),
        "_queries": "",
    }
    assert (await web_client.post("/reassign", json=good)).status == 401
    cases = [
        ({"lead_number": "nope"}, 404, "lead_number"),
        ({"slots": "12.12"}, 400, "slots"),
        ({"filtered_psychologists": "Никто"}, 404, "filtered_psychologists"),
        ({"slots": slot_at(next_monday() + timedelta(days=1), 8)}, 409, "slots"),
    ]
    for change, status, field in cases:
        answer = await web_client.post("/reassign", json={**good, **change}, headers=token_headers)
        assert answer.status == status, change
        assert (await answer.json())["field"] == field, change
    assert await Ticket.all().count() == 1


async def test_reassignment_schedule_in_both_modes(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, boris, match = await _booked(web_client, token_headers)
    monday = next_monday()
    lead = match["lead_number"]
    for path in ("/get-reassignment-schedule", "/get-ticket-info-for-reassigment"):
        by_time = await web_client.get(
            path, params={"lead_number": lead, "mode": "time"}, headers=token_headers
        )
        assert by_time.status == 200
        body = await by_time.json()
        assert (body["mode"], body["candidates"], body["psychologist"]) == (
            "time",
            [anna.name],
            anna.name,
        )
        assert (
            f"🟩 Свободно:\n\n{monday:%d.%m} Пн: 12:00\n\n"
            f"✅Забронировано\n\n{monday:%d.%m} Пн: 10:00\n" in body["res"][1]
        )

        by_psychologist = await web_client.get(
            path, params={"lead_number": lead, "mode": "psychologist"}, headers=token_headers
        )
        other = await by_psychologist.json()
        assert other["candidates"] == [boris.name]  # Борис works with «Сон», a query of the lead
        assert f"{monday:%d.%m} Пн: 15:00" in other["res"][1]
        assert other["client"]["telegram_id"] == "777001"

        bad_mode = await web_client.get(
            path, params={"lead_number": lead, "mode": "date"}, headers=token_headers
        )
        assert (bad_mode.status, (await bad_mode.json())["field"]) == (400, "mode")
        anonymous = await web_client.get(path, params={"lead_number": lead, "mode": "time"})
        assert anonymous.status == 401
        unknown = await web_client.get(
            path, params={"lead_number": "x", "mode": "time"}, headers=token_headers
        )
        assert unknown.status == 404


async def test_ticket_info_without_schedule(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, _, match = await _booked(web_client, token_headers)
    path = "/get-ticket-info-for-reassigment-without-schedule"
    answer = await web_client.get(
        path, params={"lead_number": match["lead_number"]}, headers=token_headers
    )
    assert answer.status == 200
    body = await answer.json()
    assert "res" not in body
    assert (body["lead_number"], body["psychologist"], body["queries"]) == (
        match["lead_number"],
        anna.name,
        ["Тревога", "Сон"],
    )
    assert body["appointment"]["meeting_link"] == match["meeting_link"]
    assert (await web_client.get(path, params={"lead_number": "x"})).status == 401
    missing = await web_client.get(path, headers=token_headers)
    assert (missing.status, (await missing.json())["field"]) == (400, "lead_number")


async def test_reassign_books_anew_when_the_session_was_cancelled(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, boris, match = await _booked(web_client, token_headers)
    await appointments.cancel(match["appointment_id"], Initiator(Actor.CLIENT, source="test"))

    answer = await web_client.post(
        "/reassign",
        json={
            "lead_number": match["lead_number"],
            "filtered_psychologists": boris.name,
            "slots": slot_at(next_monday(), 15),
            "_queries": "",
        },
        headers=token_headers,
    )

    assert answer.status == 200
    body = await answer.json()
    assert body["appointment_id"] != match["appointment_id"]
    assert body["meeting_link"] != match["meeting_link"]
    appointment = await Appointment.get(id=body["appointment_id"]).prefetch_related("ticket")
    assert (appointment.ticket.number, appointment.auto_assigned) == (body["lead_number"], True)
    assert appointment.ticket.queries == ["Тревога", "Сон"]  # kept from the previous lead


async def test_the_domain_reassigns_by_psychologist_ids(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    _, boris, match = await _booked(web_client, token_headers)
    monday = next_monday()
    by_integration = Initiator(Actor.INTEGRATION, source="test")
    unknown = 2**31 - 1
    with pytest.raises(NotFound) as refused:
        await reassignment.reassign(
            match["lead_number"], [unknown], [instant(monday, 15)], [], by_integration
        )
    assert refused.value.field == "psychologist_ids"

    [boris_id] = await reassignment.psychologist_ids_by_name([boris.name])
    moved, previous = await reassignment.reassign(
        match["lead_number"], [boris_id], [instant(monday, 15)], [], by_integration
    )
    assert (moved.psychologist, moved.starts_at, previous) == (
        boris.name,
        instant(monday, 15),
        match["lead_number"],
    )
    assert moved.appointment.id == match["appointment_id"]
