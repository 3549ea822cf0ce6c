"""Top-3 free start times, the assignment coefficient and automatch."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp.test_utils import TestClient

from db.enums import AppointmentStatus, SlotStatus
from db.models import Appointment, Outbox, ScheduledEvent, Slot, Ticket
from tests.harness.integrations import Psy, add_slots, automatch, fill_anketa, next_monday, slot_at


async def _two(web_client: TestClient, headers: dict[str, str]) -> tuple[Psy, Psy]:
    return (
        await fill_anketa(web_client, headers, "Анна Иванова", 4001),
        await fill_anketa(web_client, headers, "Борис Орлов", 4002),
    )


async def test_top_three_counts_free_psychologists_per_start(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, boris = await _two(web_client, token_headers)
    monday = next_monday()
    tuesday = monday + timedelta(days=1)
    await add_slots(
        web_client, anna, slot_at(monday, 10), slot_at(monday, 12), slot_at(tuesday, 9)
    )
    await add_slots(
        web_client, boris, slot_at(monday, 12), slot_at(tuesday, 9), slot_at(tuesday, 18)
    )

    answer = await web_client.post(
        "/get_general_slots", json={"psychologist_list": f"{anna.name}, {boris.name}"}
    )

    assert answer.status == 200
    assert await answer.json() == {
        "formated_result": "Топ-3 наиболее свободных слота\n\n"
        f"{slot_at(monday, 12)}: 2\n{slot_at(tuesday, 9)}: 2\n{slot_at(monday, 10)}: 1\n"
    }


async def test_top_three_refuses_unknown_names_and_empty_lists(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, _ = await _two(web_client, token_headers)
    unknown = await web_client.post(
        "/get_general_slots", json={"psychologist_list": f"{anna.name}, Никто Никакой"}
    )
    assert unknown.status == 404
    assert "Никто Никакой" in (await unknown.json())["reason"]
    for body in ({"psychologist_list": ""}, {"psychologist_list": ", ,"}, {}):
        answer = await web_client.post("/get_general_slots", json=body)
        assert answer.status in {400, 404}, body
        assert (await answer.json())["field"] == "psychologist_list"
    empty = await web_client.post("/get_general_slots", json={"psychologist_list": anna.name})
    assert (await empty.json())["formated_result"] == "Топ-3 наиболее свободных слота\n\n—\n"


async def test_coefficient_counts_this_months_sessions(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, _ = await _two(web_client, token_headers)
    fresh = await web_client.get("/get-assigment-coeff", params={"psychologist_name": anna.name})
    assert await fresh.json() == {
        "psychologist": anna.name,
        "monthly_limit": 20,
        "sessions_this_month": 0,
        "remaining": 20,
        "coefficient": 1.0,
    }
    unknown = await web_client.get("/get-assigment-coeff", params={"psychologist_name": "Нет"})
    assert (unknown.status, (await unknown.json())["field"]) == (404, "psychologist_name")
    missing = await web_client.get("/get-assigment-coeff")
    assert (missing.status, (await missing.json())["field"]) == (400, "psychologist_name")


async def test_automatch_prefers_the_higher_coefficient_then_the_earlier_slot(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, boris = await _two(web_client, token_headers)
    monday = next_monday()
    await add_slots(web_client, anna, slot_at(monday, 9), slot_at(monday, 10), slot_at(monday, 11))
    await add_slots(web_client, boris, slot_at(monday, 10), slot_at(monday, 11))
    first_status, first = await automatch(
        web_client, token_headers, [anna.name, boris.name], [slot_at(monday, 9)], 1
    )
    assert (first_status, first["psychologist"], first["slot"]) == (
        200,
        anna.name,
        slot_at(monday, 9),
    )

    # Anna has one session this month now, Boris none: Boris wins although named second.
    status, match = await automatch(
        web_client,
        token_headers,
        [anna.name, boris.name],
        [slot_at(monday, 11), slot_at(monday, 10)],
        2,
    )
    assert status == 200
    assert (match["psychologist"], match["slot"]) == (boris.name, slot_at(monday, 10))
    assert match["meeting_link"].startswith("https://meet.jit.si/")
    coefficient = await web_client.get(
        "/get-assigment-coeff", params={"psychologist_name": anna.name}
    )
    assert (await coefficient.json())["coefficient"] == 0.95

    appointment = await Appointment.get(id=match["appointment_id"])
    assert appointment.auto_assigned is True
    assert appointment.meeting_link == match["meeting_link"]
    ticket = await Ticket.get(number=match["lead_number"])
    assert (ticket.status, ticket.psychologist_id, ticket.queries) == (
        "assigned",
        appointment.psychologist_id,
        ["Тревога", "Сон"],
    )
    assert await ScheduledEvent.filter(appointment_id=appointment.id).count() >= 2
    assert await Outbox.filter(kind="appointment.booked").count() == 4


async def test_automatch_conflicts_when_nobody_is_free(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, boris = await _two(web_client, token_headers)
    monday = next_monday()
    await add_slots(web_client, anna, slot_at(monday, 10))
    assert (await automatch(web_client, token_headers, [anna.name], [slot_at(monday, 10)], 1))[
        0
    ] == 200

    status, body = await automatch(
        web_client,
        token_headers,
        [anna.name, boris.name],
        [slot_at(monday, 10), slot_at(monday, 11)],
        2,
    )
    assert (status, body["error"]) == (409, "already_taken")
    assert await Ticket.all().count() == 1  # the refused request left no ticket behind


async def test_automatch_races_for_one_slot_book_it_once(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, _ = await _two(web_client, token_headers)
    monday = next_monday()
    await add_slots(web_client, anna, slot_at(monday, 10))
    results = await asyncio.gather(
        *(
            automatch(web_client, token_headers, [anna.name], [slot_at(monday, 10)], 10 + n)
            for n in range(4)
        )
    )
    assert sorted(status for status, _ in results) == [200, 409, 409, 409]
    assert (
        await Appointment.filter(status=AppointmentStatus.NEW).count()
        + await Appointment.filter(status=AppointmentStatus.CONFIRMED).count()
        == 1
    )


async def test_automatch_repeated_for_a_lead_answers_the_same_booking(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, _ = await _two(web_client, token_headers)
    monday = next_monday()
    ids = await add_slots(web_client, anna, slot_at(monday, 10), slot_at(monday, 11))
    one = await automatch(web_client, token_headers, [anna.name], [], 5, lead_number="LEAD-7")
    assert one[0] == 400  # an empty slot list
    body = {
        "psychologists": anna.name,
        "slots": slot_at(monday, 18),
        "slots_id": str(ids[1]),
        "ticket_info": {"lead_number": "LEAD-7"},
        "client_info": {"user_id": 5},
    }
    first = await web_client.post("/automatch", json=body, headers=token_headers)
    second = await web_client.post("/automatch", json=body, headers=token_headers)
    assert (first.status, second.status) == (200, 200)
    assert await first.json() == await second.json()
    assert (await first.json())["slot"] == slot_at(monday, 11)  # found by its id
    assert (await first.json())["lead_number"] == "LEAD-7"
    assert await Slot.filter(status=SlotStatus.BOOKED).count() == 1


async def test_automatch_validates_and_needs_the_token(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna, _ = await _two(web_client, token_headers)
    good = {
        "psychologists": anna.name,
        "slots": "01.01 10:00",
        "client_info": {"telegram_id": "1"},
    }
    anonymous = await web_client.post("/automatch", json=good)
    assert anonymous.status == 401
    cases = [
        ({"slots": "tomorrow"}, "slots"),
        ({"client_info": {"name": "Без id"}}, "client_info"),
        ({"client_info": {"telegram_id": "x1"}}, "client_info.telegram_id"),
        ({"slots_id": "1;a"}, "slots_id"),
        ({"psychologists": "Никто Никакой"}, "psychologists"),
        ({"ticket_info": {"lead_number": "x" * 40}}, "ticket_info.lead_number"),
    ]
    for change, field in cases:
        answer = await web_client.post(
            "/automatch", json={**good, **change}, headers=token_headers
        )
        assert answer.status in {400, 404}, change
        assert (await answer.json())["field"] == field, change
    assert await Ticket.all().count() == 0
