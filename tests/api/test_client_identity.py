"""Who a client is: only a phone Telegram vouches for finds a record someone else made.

The attacks: a stranger types the phone of a caller a manager booked, to take over that record;
a second stranger with a record of their own claims the same phone, to have it merged into
theirs. The legitimate path: the person shares their contact (requestContact), and the record
made for their phone becomes theirs.
"""

from __future__ import annotations

import json
import time
from typing import Any

from config import SANDBOX_TOKEN
from db.models import Appointment, Client
from tests.harness.api_callers import Api, sign_fields, sign_init_data
from tests.harness.builders import future_slot

PHONE = "+79161234567"
VICTIM_PHONE_TYPED = "8 (916) 123-45-67"


def user(telegram_id: int, first_name: str = "Пётр") -> dict[str, Any]:
    return {"id": telegram_id, "first_name": first_name}


def signed_contact(
    telegram_id: int, phone: str, *, bot_token: str = SANDBOX_TOKEN, auth_date: int | None = None
) -> str:
    """What `Telegram.WebApp.requestContact` gives the page: signed as initData is."""
    shared = {"user_id": telegram_id, "phone_number": phone, "first_name": "Мария"}
    fields = {
        "contact": json.dumps(shared, separators=(",", ":"), ensure_ascii=False),
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
    }
    return sign_fields(bot_token, fields)


async def sign_in(api: Api, telegram_id: int, **body: Any) -> tuple[int, dict[str, Any]]:
    answer = await api.http.post(
        "/api/v1/clients/auth",
        json={"init_data": sign_init_data(SANDBOX_TOKEN, user(telegram_id)), **body},
    )
    return answer.status, await answer.json()


async def my_sessions(api: Api, token: str) -> list[dict[str, Any]]:
    answer = await api.http.get(
        "/api/v1/appointments/my", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200
    return await answer.json()


async def phone_booked_victim(api: Api) -> tuple[int, int]:
    """A caller a manager booked by phone: (client id, appointment id)."""
    slot = await future_slot()
    answer = await api.http.post(
        "/api/v1/appointments/manual",
        json={"phone": PHONE, "name": "Мария Иванова", "slot_id": slot.id},
        headers=await api.manager(),
    )
    assert answer.status == 201, await answer.text()
    appointment = await answer.json()
    return appointment["client"]["id"], appointment["id"]


async def test_a_typed_phone_never_takes_over_a_phone_booked_client(api: Api) -> None:
    victim_id, appointment_id = await phone_booked_victim(api)

    status, body = await sign_in(api, 666, phone=VICTIM_PHONE_TYPED)

    assert status == 200
    assert body["client"]["id"] != victim_id
    assert body["client"]["phone"] == PHONE
    assert body["client"]["phone_verified"] is False
    assert await my_sessions(api, body["token"]) == []
    victim = await Client.get(id=victim_id)
    assert (victim.telegram_id, victim.phone) == (None, PHONE)
    assert (await Appointment.get(id=appointment_id)).client_id == victim_id  # type: ignore[attr-defined]


async def test_a_stranger_with_a_record_cannot_have_the_victim_merged_into_it(api: Api) -> None:
    victim_id, appointment_id = await phone_booked_victim(api)
    status, first = await sign_in(api, 777)
    assert status == 200

    status, again = await sign_in(api, 777, phone=PHONE)

    assert status == 200
    assert again["client"]["id"] == first["client"]["id"]
    assert again["client"]["phone_verified"] is False
    assert await Client.filter(id=victim_id, telegram_id=None, phone=PHONE).exists()
    assert (await Appointment.get(id=appointment_id)).client_id == victim_id  # type: ignore[attr-defined]
    assert await my_sessions(api, again["token"]) == []


async def test_the_answer_does_not_tell_whether_a_phone_is_taken(api: Api) -> None:
    await phone_booked_victim(api)

    taken = await sign_in(api, 801, phone=PHONE)
    free = await sign_in(api, 802, phone="+79169876543")

    assert taken[0] == free[0] == 200
    assert taken[1].keys() == free[1].keys()
    for answer in (taken[1], free[1]):
        assert answer["created"] is True
        assert answer["client"]["phone_verified"] is False
        assert answer["client"].keys() == free[1]["client"].keys()


async def test_a_shared_contact_links_the_phone_booked_client(api: Api) -> None:
    victim_id, appointment_id = await phone_booked_victim(api)
    _, own_record = await sign_in(api, 4242)  # opened the mini app before sharing the contact

    status, body = await sign_in(api, 4242, contact=signed_contact(4242, PHONE[1:]))

    assert status == 200, body
    assert body["client"]["id"] == victim_id
    assert body["client"]["phone"] == PHONE
    assert body["client"]["phone_verified"] is True
    assert [s["id"] for s in await my_sessions(api, body["token"])] == [appointment_id]
    assert not await Client.filter(id=own_record["client"]["id"]).exists()
    linked = await Client.get(id=victim_id)
    assert (linked.telegram_id, linked.name) == (4242, "Мария Иванова")


async def test_a_contact_moves_a_number_telegram_gave_to_someone_new(api: Api) -> None:
    _, old_owner = await sign_in(api, 501, contact=signed_contact(501, PHONE))
    assert old_owner["client"]["phone_verified"] is True

    _, new_owner = await sign_in(api, 502, contact=signed_contact(502, PHONE))

    assert new_owner["client"]["id"] != old_owner["client"]["id"]
    assert new_owner["client"]["phone"] == PHONE
    left = await Client.get(id=old_owner["client"]["id"])
    assert (left.telegram_id, left.phone, left.phone_verified) == (501, None, False)


async def test_forged_stale_and_foreign_contacts_are_refused(api: Api) -> None:
    victim_id, _ = await phone_booked_victim(api)
    an_hour_over_a_day = int(time.time()) - 86_400 - 3600
    cases = [
        (signed_contact(4242, PHONE, bot_token="987654321:another-bot"), "not signed"),
        (signed_contact(4242, PHONE).replace("916", "917"), "not signed"),
        (signed_contact(4242, PHONE, auth_date=an_hour_over_a_day), "older than a day"),
        (signed_contact(5555, PHONE), "not the signed-in user's own"),
        (sign_fields(SANDBOX_TOKEN, {"contact": "[]", "auth_date": "1"}), "not a requestContact"),
        ("contact=x", "not signed"),
    ]
    for contact, reason in cases:
        status, body = await sign_in(api, 4242, contact=contact)
        assert (status, body["field"]) == (400, "contact"), body
        assert reason in body["reason"]
    assert await Client.filter(id=victim_id, telegram_id=None).exists()
    assert not await Client.filter(telegram_id=4242).exists()


async def test_client_sign_in_refusals(api: Api) -> None:
    integration = {"Authorization": f"Bearer {api.settings.integration_token.get_secret_value()}"}
    init_data = sign_init_data(SANDBOX_TOKEN, user(4242))
    cases: list[tuple[dict[str, Any], dict[str, str], int, str]] = [
        ({"phone": PHONE, "telegram_id": 4242}, {}, 401, "init_data is required"),
        ({"telegram_id": 5, "init_data": init_data}, {}, 401, "another Telegram user"),
        ({"phone": "12", "init_data": init_data}, {}, 400, "phone"),
        ({"phone": "hello there", "init_data": init_data}, {}, 400, "phone"),
        ({"telegram_id": -1, "init_data": init_data}, {}, 400, "telegram_id"),
        ({"phone": PHONE}, integration, 400, "init_data"),
        ({"telegram_id": 4242, "contact": "x"}, integration, 400, "init_data"),
        ({}, integration, 400, "init_data"),
    ]
    for body, headers, status, field_or_reason in cases:
        answer = await api.http.post("/api/v1/clients/auth", json=body, headers=headers)
        refusal = await answer.json()
        assert answer.status == status, refusal
        assert field_or_reason in refusal["reason"] or refusal.get("field") == field_or_reason
    assert await Client.all().count() == 0


async def test_the_integration_registers_by_telegram_id_with_an_unverified_phone(
    api: Api,
) -> None:
    victim_id, _ = await phone_booked_victim(api)
    integration = {"Authorization": f"Bearer {api.settings.integration_token.get_secret_value()}"}

    answer = await api.http.post(
        "/api/v1/clients/auth", json={"telegram_id": 4242, "phone": PHONE}, headers=integration
    )

    body = await answer.json()
    assert answer.status == 200, body
    assert body["client"]["id"] != victim_id
    assert body["client"]["phone_verified"] is False
