"""Planning a booking's events through /plan-events and /plan-client-events."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from db.enums import EventState
from db.models import Appointment, ScheduledEvent
from domain.booking.planning import PLANNED
from tests.harness.integrations import (
    add_slots,
    automatch,
    fill_anketa,
    instant,
    next_monday,
    slot_at,
)

HOUR = timedelta(hours=1)


async def _booking(web_client: TestClient, headers: dict[str, str]) -> tuple[int, Appointment]:
    psy = await fill_anketa(web_client, headers, "Анна Иванова", 7001)
    day = next_monday() + timedelta(days=7)  # far enough for the whole confirmation chain
    [slot_id, _] = await add_slots(web_client, psy, slot_at(day, 10), slot_at(day, 12))
    status, match = await automatch(web_client, headers, [psy.name], [slot_at(day, 10)])
    assert status == 200
    return slot_id, await Appointment.get(id=match["appointment_id"])


async def _states(appointment_id: int) -> dict[str, str]:
    """The states of the appointment's planned events (the new-booking alert aside)."""
    rows = await ScheduledEvent.filter(appointment_id=appointment_id, kind__in=list(PLANNED))
    return {row.kind.value: row.state.value for row in rows}


async def test_plan_events_arms_the_switched_on_events(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    slot_id, appointment = await _booking(web_client, token_headers)
    starts = appointment.starts_at

    answer = await web_client.post(
        "/plan-events",
        json={
            "slot_id": str(slot_id),
            "events": {
                "confirmation": True,
                "reminder_22h": False,
                "reminder_21h": True,
                "auto_cancel": False,
            },
        },
        headers=token_headers,
    )

    assert answer.status == 200
    body = await answer.json()
    assert body["appointment_id"] == appointment.id
    assert body["events"] == {
        "confirm_request": (starts - 24 * HOUR).isoformat(),
        "confirm_reminder_21h": (starts - 21 * HOUR).isoformat(),
        "review_request": (starts + 2 * HOUR).isoformat(),
        "session_reminder": (starts - 2 * HOUR).isoformat(),
    }
    assert await _states(appointment.id) == {
        "confirm_request": "pending",
        "confirm_reminder_22h": "cancelled",
        "confirm_reminder_21h": "pending",
        "auto_cancel": "cancelled",
        "session_reminder": "pending",
        "review_request": "pending",
    }


async def test_plan_events_refuses_free_slots_bad_input_and_no_token(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    slot_id, _ = await _booking(web_client, token_headers)
    switches = {"confirmation": True}
    anonymous = await web_client.post(
        "/plan-events", json={"slot_id": slot_id, "events": switches}
    )
    assert anonymous.status == 401
    cases = [
        ({"slot_id": slot_id + 1, "events": switches}, 404, "slot_id"),
        ({"slot_id": 999999, "events": switches}, 404, "slot_id"),
        ({"slot_id": "x", "events": switches}, 400, "slot_id"),
        ({"slot_id": slot_id, "events": {"confirmation": "often"}}, 400, "events.confirmation"),
        ({"slot_id": slot_id}, 400, "events"),
    ]
    for body, status, field in cases:
        answer = await web_client.post("/plan-events", json=body, headers=token_headers)
        assert answer.status == status, body
        assert (await answer.json())["field"] == field, body


async def test_plan_client_events_replaces_the_plan_and_stores_the_meeting(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    slot_id, appointment = await _booking(web_client, token_headers)
    await web_client.post(
        "/plan-events",
        json={"slot_id": slot_id, "events": {"confirmation": False}},
        headers=token_headers,
    )
    day = next_monday() + timedelta(days=7)
    body = {
        "id": str(slot_id),
        "psychologist": "Анна Иванова",
        "date": day.isoformat(),
        "time": "10:00",
        "state": "Забронирован",
        "ticket": "",
        "meeting_link": "https://zoom.example/j/1",
        "meeting_id": "1",
        "calendar_meeting_id": "",
        "confirmed": False,
        "auto_assigned": True,
        "auto_canceled": False,
    }

    answer = await web_client.post("/plan-client-events", json=body, headers=token_headers)

    assert answer.status == 200
    assert set((await answer.json())["events"]) == {kind.value for kind in PLANNED}
    assert set((await _states(appointment.id)).values()) == {"pending"}
    stored = await Appointment.get(id=appointment.id)
    assert (stored.meeting_link, stored.meeting_id) == ("https://zoom.example/j/1", "1")

    confirmed = await web_client.post(
        "/plan-client-events", json={**body, "confirmed": True}, headers=token_headers
    )
    assert set((await confirmed.json())["events"]) == {"session_reminder", "review_request"}
    assert (await Appointment.get(id=appointment.id)).confirmed is True
    cancelled = await ScheduledEvent.filter(
        appointment_id=appointment.id, state=EventState.CANCELLED
    ).count()
    assert cancelled == 4
    assert instant(day, 10) == stored.starts_at


async def test_plan_client_events_checks_the_slot_facts(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    slot_id, _ = await _booking(web_client, token_headers)
    day = next_monday() + timedelta(days=7)
    good = {"id": slot_id, "psychologist": "Анна Иванова", "date": str(day), "time": "10:00"}
    anonymous = await web_client.post("/plan-client-events", json=good)
    assert anonymous.status == 401
    cases = [
        ({"psychologist": "Борис Орлов"}, 409, "psychologist"),
        ({"time": "11:00"}, 409, "time"),
        ({"time": "25:00"}, 400, "time"),
        ({"date": "10.10.2026"}, 400, "date"),
        ({"date": None}, 400, "date"),
        ({"id": slot_id + 1}, 404, "slot_id"),
    ]
    for change, status, field in cases:
        answer = await web_client.post(
            "/plan-client-events", json={**good, **change}, headers=token_headers
        )
        assert answer.status == status, change
        assert (await answer.json())["field"] == field, change


async def test_plan_client_events_takes_only_http_meeting_links(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    slot_id, appointment = await _booking(web_client, token_headers)
    planned = (
        await ScheduledEvent.filter(appointment_id=appointment.id)
        .order_by("id")
        .values_list("id", "state")
    )
    day = next_monday() + timedelta(days=7)
    good = {"id": slot_id, "psychologist": "Анна Иванова", "date": str(day), "time": "10:00"}
    for link in (
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "https://",
        "//zoom.example/j/1",
        "zoom.example/j/1",
        "https://zoom.example/j/1 javascript:alert(1)",
    ):
        answer = await web_client.post(
            "/plan-client-events", json={**good, "meeting_link": link}, headers=token_headers
        )
        assert answer.status == 400, link
        refusal = await answer.json()
        assert refusal["field"] == "meeting_link", link
        assert "http" in refusal["reason"]
    unchanged = (await Appointment.get(id=appointment.id)).meeting_link
    assert unchanged == appointment.meeting_link
    # a refused call planned nothing
    assert (
        await ScheduledEvent.filter(appointment_id=appointment.id)
        .order_by("id")
        .values_list("id", "state")
        == planned
    )

    answer = await web_client.post(
        "/plan-client-events",
        json={**good, "meeting_link": "HTTPS://Zoom.example/j/1?pwd=x"},
        headers=token_headers,
    )
    assert answer.status == 200
    stored = await Appointment.get(id=appointment.id)
    assert stored.meeting_link == "HTTPS://Zoom.example/j/1?pwd=x"
