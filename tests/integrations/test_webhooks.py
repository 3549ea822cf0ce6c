"""/notify-update: a database webhook about the slots table."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from db.enums import AppointmentStatus, SlotStatus
from db.models import Appointment, Outbox, Slot
from tests.harness.builders import make_client
from tests.harness.integrations import add_slots, automatch, fill_anketa, next_monday, slot_at
from webapp.keys import SERVICES


def _secret(web_client: TestClient) -> str:
    return web_client.app[SERVICES].settings.webhook_secret.get_secret_value()


def _payload(slot_id: int, old: str, new: str, table: str = "slots") -> dict:
    return {
        "type": "UPDATE",
        "table": table,
        "schema": "public",
        "record": {"id": slot_id, "status": new, "psychologist_id": 1},
        "old_record": {"id": slot_id, "status": old, "psychologist_id": 1},
    }


async def test_webhook_checks_the_secret(web_client: TestClient) -> None:
    payload = {"type": "INSERT", "table": "slots", "record": {"id": 1, "status": "free"}}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-Webhook-Secret": "wrong"}):
        answer = await web_client.post("/notify-update", json=payload, headers=headers)
        assert answer.status == 401, headers
    for headers in (
        {"Authorization": f"Bearer {_secret(web_client)}"},
        {"X-Webhook-Secret": _secret(web_client)},
    ):
        answer = await web_client.post("/notify-update", json=payload, headers=headers)
        assert answer.status == 200, headers
        assert (await answer.json())["queued"] is False


async def test_a_freed_booked_slot_cancels_and_tells_both_once(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(web_client, token_headers, "Анна Иванова", 8001)
    [slot_id] = await add_slots(web_client, psy, slot_at(next_monday(), 10))
    _, match = await automatch(web_client, token_headers, [psy.name], [slot_at(next_monday(), 10)])
    headers = {"X-Webhook-Secret": _secret(web_client)}

    first = await web_client.post(
        "/notify-update", json=_payload(slot_id, "booked", "free"), headers=headers
    )
    second = await web_client.post(
        "/notify-update", json=_payload(slot_id, "booked", "free"), headers=headers
    )

    assert (first.status, second.status) == (200, 200)
    assert await first.json() == {
        "slot_id": slot_id,
        "appointment_id": match["appointment_id"],
        "notice": "cancelled",
        "queued": True,
    }
    assert (await second.json())["queued"] is False
    key_only = {**_payload(slot_id, "booked", "free"), "old_record": {"id": slot_id}}
    third = await web_client.post("/notify-update", json=key_only, headers=headers)
    assert (third.status, (await third.json())["queued"]) == (200, False)
    appointment = await Appointment.get(id=match["appointment_id"])
    assert appointment.status == AppointmentStatus.CANCELLED
    assert (await Slot.get(id=slot_id)).status == SlotStatus.FREE
    told = await Outbox.filter(kind="appointment.cancelled").values_list("chat_id", flat=True)
    assert sorted(told) == sorted([777001, 8001])


async def test_a_booking_made_outside_is_announced_once(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(web_client, token_headers, "Анна Иванова", 8001)
    monday = next_monday()
    [inside, outside] = await add_slots(web_client, psy, slot_at(monday, 10), slot_at(monday, 12))
    await automatch(web_client, token_headers, [psy.name], [slot_at(monday, 10)])
    # Another system books the 12:00 slot by writing the rows itself.
    slot = await Slot.get(id=outside)
    client = await make_client()
    await Slot.filter(id=outside).update(status=SlotStatus.BOOKED)
    await Appointment.create(
        slot_id=outside,
        active_slot_id=outside,
        client_id=client.id,
        psychologist_id=slot.psychologist_id,
        starts_at=slot.starts_at,
    )
    headers = {"Authorization": f"Bearer {_secret(web_client)}"}

    answers = [
        await web_client.post(
            "/notify-update", json=_payload(slot_id, "free", "booked"), headers=headers
        )
        for slot_id in (inside, outside, outside)
    ]

    assert [(await a.json())["queued"] for a in answers] == [False, True, False]
    assert await Outbox.filter(kind="appointment.booked", client_id=client.id).count() == 1
    assert await Outbox.filter(kind="appointment.booked").count() == 4


async def test_webhook_refuses_other_tables_and_bad_records(web_client: TestClient) -> None:
    headers = {"X-Webhook-Secret": _secret(web_client)}
    cases = [
        (_payload(1, "booked", "free", table="clients"), "table"),
        ({**_payload(1, "booked", "free"), "type": "TRUNCATE"}, "type"),
        (
            {**_payload(1, "booked", "free"), "record": {"id": 1, "status": "gone"}},
            "record.status",
        ),
        ({**_payload(1, "booked", "free"), "record": {"id": "x", "status": "free"}}, "record.id"),
    ]
    for payload, field in cases:
        answer = await web_client.post("/notify-update", json=payload, headers=headers)
        assert answer.status == 400, payload
        assert (await answer.json())["field"] == field
    unknown = await web_client.post(
        "/notify-update", json=_payload(424242, "booked", "free"), headers=headers
    )
    assert await unknown.json() == {
        "slot_id": 424242,
        "appointment_id": None,
        "notice": None,
        "queued": False,
    }
