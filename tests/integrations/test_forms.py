"""Form tracking, the psychologist's anketa and client registration."""

from __future__ import annotations

import hashlib

from aiohttp.test_utils import TestClient

from db.models import Client, Education, Psychologist
from tests.harness.integrations import ANKETA, fill_anketa


async def test_tracking_records_each_step_with_its_time(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    started = await web_client.post(
        "/init-form-tracking",
        json={"ticket_id": "L-1", "form_type": "client", "step": "Начало"},
        headers=token_headers,
    )
    assert started.status == 201
    moved = await web_client.put(
        "/update-tracking-step",
        json={"ticket_id": "L-1", "step": "Запросы"},
        headers=token_headers,
    )
    assert moved.status == 200
    body = await moved.json()
    assert body["form_type"] == "client"
    assert [s["step"] for s in body["steps"]] == ["Начало", "Запросы"]
    assert all(s["at"].endswith("+00:00") for s in body["steps"])

    again = await web_client.post(
        "/init-form-tracking",
        json={"ticket_id": "L-1", "form_type": "client", "step": "Начало"},
        headers=token_headers,
    )
    assert again.status == 200
    assert [s["step"] for s in (await again.json())["steps"]] == ["Начало", "Запросы", "Начало"]


async def test_tracking_refuses_unknown_ticket_bad_input_and_no_token(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    unknown = await web_client.put(
        "/update-tracking-step", json={"ticket_id": "nope", "step": "x"}, headers=token_headers
    )
    assert unknown.status == 404
    assert (await unknown.json())["field"] == "ticket_id"

    blank = await web_client.post(
        "/init-form-tracking",
        json={"ticket_id": " ", "form_type": "client"},
        headers=token_headers,
    )
    assert blank.status == 400
    assert (await blank.json())["field"] == "ticket_id"

    no_token = await web_client.post(
        "/init-form-tracking", json={"ticket_id": "L-2", "form_type": "client"}
    )
    assert no_token.status == 401
    wrong = await web_client.put(
        "/update-tracking-step",
        json={"ticket_id": "L-1", "step": "x"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert wrong.status == 401


async def test_anketa_creates_then_updates_by_telegram_id(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    created = await web_client.post(
        "/psychologist-form",
        json={"anketa": {**ANKETA, "name": "Ирина Петрова"}, "psychologist_id": "1001"},
        headers=token_headers,
    )
    assert created.status == 201
    body = await created.json()
    assert body["created"] is True
    assert body["psychologist_id"] == "1001"
    assert body["editor_url"].endswith(f"/app/editor#secret={body['secret']}")
    assert body["anketa"]["minClientAge"] == 18

    stored = await Psychologist.get(telegram_id=1001)
    assert stored.secret_hash == hashlib.sha256(body["secret"].encode()).hexdigest()
    assert (stored.min_price, stored.max_price, stored.queries) == (
        1000,
        3000,
        ["Тревога", "Отношения"],
    )
    assert await Education.filter(psychologist_id=stored.id).count() == 1

    updated = await web_client.post(
        "/psychologist-form",
        json={
            "anketa": {**ANKETA, "name": "Ирина Петрова-Смирнова", "education": []},
            "psychologist_id": 1001,
        },
        headers=token_headers,
    )
    assert updated.status == 200
    again = await updated.json()
    assert again["created"] is False
    assert again["secret"] != body["secret"]  # a new secret; the old editor link stops working
    assert await Psychologist.filter(telegram_id=1001).count() == 1
    assert (await Psychologist.get(telegram_id=1001)).name == "Ирина Петрова-Смирнова"
    assert await Education.all().count() == 0

    old = await web_client.post(
        "/add-slot", json={"secret": body["secret"], "slot": "01.01 10:00"}
    )
    assert old.status == 401


async def test_anketa_validation_names_the_field(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    cases = [
        ({"age": "old"}, "anketa.age"),
        ({"skills": "not a list"}, "anketa.skills"),
        ({"education": [{"educationItemYear": 1700}]}, "anketa.education.0.educationItemYear"),
        ({"name": ""}, "anketa.name"),
        ({"isMarried": "maybe"}, "anketa.isMarried"),
    ]
    for change, field in cases:
        answer = await web_client.post(
            "/psychologist-form",
            json={"anketa": {**ANKETA, "name": "Имя Фамилия", **change}, "psychologist_id": "5"},
            headers=token_headers,
        )
        assert answer.status == 400, change
        assert (await answer.json())["field"] == field
    bad_id = await web_client.post(
        "/psychologist-form",
        json={"anketa": {**ANKETA, "name": "Имя Фамилия"}, "psychologist_id": "abc"},
        headers=token_headers,
    )
    assert (bad_id.status, (await bad_id.json())["field"]) == (400, "psychologist_id")
    not_json = await web_client.post("/psychologist-form", data="{", headers=token_headers)
    assert (not_json.status, (await not_json.json())["field"]) == (400, "body")
    assert await Psychologist.all().count() == 0
    # A range written high to low is read as the same range (no schema can compare two fields)
    reversed_ranges = {"minClientAge": 40, "maxClientAge": 30, "minPrice": 5000, "maxPrice": 3000}
    answer = await web_client.post(
        "/psychologist-form",
        json={
            "anketa": {**ANKETA, "name": "Имя Фамилия", **reversed_ranges},
            "psychologist_id": 5,
        },
        headers=token_headers,
    )
    saved = (await answer.json())["anketa"]
    assert (saved["minClientAge"], saved["maxClientAge"]) == (30, 40)
    assert (saved["minPrice"], saved["maxPrice"]) == (3000, 5000)


async def test_anketa_needs_the_token_and_a_free_name(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anonymous = await web_client.post(
        "/psychologist-form",
        json={"anketa": {**ANKETA, "name": "Имя Фамилия"}, "psychologist_id": "5"},
    )
    assert anonymous.status == 401
    await fill_anketa(web_client, token_headers, "Имя Фамилия", 5)
    namesake = await web_client.post(
        "/psychologist-form",
        json={"anketa": {**ANKETA, "name": "Имя Фамилия"}, "psychologist_id": "6"},
        headers=token_headers,
    )
    assert namesake.status == 409
    assert (await namesake.json())["field"] == "anketa.name"


async def test_client_registration_is_idempotent(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    first = await web_client.post(
        "/client-registration", json={"user_id": "424242"}, headers=token_headers
    )
    second = await web_client.post(
        "/client-registration", json={"user_id": 424242}, headers=token_headers
    )
    assert (first.status, second.status) == (201, 200)
    one, two = await first.json(), await second.json()
    assert one["client_id"] == two["client_id"]
    assert (one["created"], two["created"], two["user_id"]) == (True, False, "424242")
    assert await Client.filter(telegram_id=424242).count() == 1


async def test_client_registration_refuses_bad_ids_and_no_token(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    for bad in ("", "12a", True, -5, None):
        answer = await web_client.post(
            "/client-registration", json={"user_id": bad}, headers=token_headers
        )
        assert answer.status == 400, bad
        assert (await answer.json())["field"] == "user_id"
    anonymous = await web_client.post("/client-registration", json={"user_id": "1"})
    assert anonymous.status == 401
    assert await Client.all().count() == 0
