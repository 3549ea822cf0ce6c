"""Adding and deleting slots by secret, and the ticket booked into a slot."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from db.models import Slot
from domain.timerules import MSK, utcnow
from tests.harness.integrations import add_slots, automatch, fill_anketa, next_monday, slot_at


async def test_add_slot_answers_each_case_clearly(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(web_client, token_headers, "Анна Иванова", 3001)
    monday = next_monday()

    added = await web_client.post(
        "/add-slot", json={"secret": psy.secret, "slot": slot_at(monday, 10)}
    )
    assert added.status == 201
    assert (await added.json())["slot"] == slot_at(monday, 10)

    yesterday = utcnow().astimezone(MSK) - timedelta(days=1)
    cases = [
        (slot_at(monday, 10), 409, "slot_exists"),
        (slot_at(monday, 10, 30), 409, "slot_overlap"),
        (f"{yesterday:%d.%m %H:%M}", 409, "slot_in_past"),
        ("32.01 10:00", 400, "invalid"),
        ("10:00 01.01", 400, "invalid"),
        ("01.01 25:00", 400, "invalid"),
    ]
    for slot, status, error in cases:
        answer = await web_client.post("/add-slot", json={"secret": psy.secret, "slot": slot})
        assert answer.status == status, slot
        body = await answer.json()
        assert (body["error"], body["field"]) == (error, "slot"), slot
    assert await Slot.all().count() == 1


async def test_add_slot_needs_a_known_secret(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    await fill_anketa(web_client, token_headers, "Анна Иванова", 3001)
    for body in ({"secret": "wrong", "slot": "01.01 10:00"}, {"secret": " ", "slot": "x"}):
        answer = await web_client.post("/add-slot", json=body)
        assert answer.status in {400, 401}
    unknown = await web_client.post("/add-slot", json={"secret": "wrong", "slot": "01.01 10:00"})
    assert unknown.status == 401
    missing = await web_client.post("/add-slot", json={"slot": "01.01 10:00"})
    assert (missing.status, (await missing.json())["field"]) == (400, "secret")
    assert await Slot.all().count() == 0


async def test_delete_slot_refuses_booked_missing_and_past(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(web_client, token_headers, "Анна Иванова", 3001)
    monday = next_monday()
    await add_slots(web_client, psy, slot_at(monday, 10), slot_at(monday, 12))
    status, _ = await automatch(web_client, token_headers, [psy.name], [slot_at(monday, 12)])
    assert status == 200

    removed = await web_client.post(
        "/delete-slot", json={"secret": psy.secret, "slot": slot_at(monday, 10)}
    )
    assert removed.status == 200
    assert await removed.json() == {"deleted": True, "slot": slot_at(monday, 10)}

    yesterday = utcnow().astimezone(MSK) - timedelta(days=1)
    cases = [
        (slot_at(monday, 12), 409, "slot_booked"),
        (slot_at(monday, 10), 404, "not_found"),
        (f"{yesterday:%d.%m %H:%M}", 409, "slot_in_past"),
        ("12.12", 400, "invalid"),
    ]
    for slot, status, error in cases:
        answer = await web_client.post("/delete-slot", json={"secret": psy.secret, "slot": slot})
        assert answer.status == status, slot
        assert (await answer.json())["error"] == error
    wrong = await web_client.post(
        "/delete-slot", json={"secret": "x", "slot": slot_at(monday, 12)}
    )
    assert wrong.status == 401
    assert await Slot.all().count() == 1


async def test_ticket_for_slot_shows_the_booked_lead(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(web_client, token_headers, "Анна Иванова", 3001)
    other = await fill_anketa(web_client, token_headers, "Борис Орлов", 3002)
    monday = next_monday()
    await add_slots(web_client, psy, slot_at(monday, 12), slot_at(monday, 14))
    _, match = await automatch(web_client, token_headers, [psy.name], [slot_at(monday, 12)])

    answer = await web_client.get(
        "/get-ticket-for-slot",
        params={"secret": psy.secret, "date": f"{monday:%d.%m}", "time": "12:00"},
    )
    assert answer.status == 200
    body = await answer.json()
    assert body["lead_number"] == match["lead_number"]
    assert body["client"] == {"name": "Анна", "telegram_id": "777001", "username": None}
    assert body["queries"] == ["Тревога", "Сон"]
    assert body["appointment"]["slot"] == slot_at(monday, 12)
    assert body["psychologist"] == psy.name

    params = {"date": f"{monday:%d.%m}", "time": "14:00"}
    free = await web_client.get("/get-ticket-for-slot", params={"secret": psy.secret, **params})
    assert free.status == 404
    someone_else = await web_client.get(
        "/get-ticket-for-slot", params={"secret": other.secret, **params, "time": "12:00"}
    )
    assert someone_else.status == 404  # not that psychologist's slot: nothing is revealed
    no_secret = await web_client.get("/get-ticket-for-slot", params={**params, "secret": "zz"})
    assert no_secret.status == 401
    for bad in ({"date": "31.02", "time": "12:00"}, {"date": "01.01", "time": "12"}):
        answer = await web_client.get("/get-ticket-for-slot", params={"secret": psy.secret, **bad})
        assert answer.status == 400
        assert (await answer.json())["field"] in {"date", "time"}
