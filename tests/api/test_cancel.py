"""A client cancels its own appointment (a manager any) over the API; a cancel within
LATE_CANCEL_HOURS of the start is a late cancel, shown on the appointment and in the reports."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import ClientResponse

from db.enums import Actor, AppointmentStatus, SlotStatus
from db.models import Appointment, Psychologist, Slot
from domain.timerules import MSK, utcnow
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot, make_client, make_psychologist

Json = dict[str, Any]


async def _booked(
    api: Api, hours_ahead: float, psychologist: Psychologist | None = None
) -> tuple[Json, dict[str, str]]:
    """An appointment a new client booked over the API `hours_ahead` of the real clock, and
    that client's headers."""
    slot = await future_slot(psychologist, hours_ahead)
    _, headers = await api.client()
    answer = await api.http.post(
        "/api/v1/appointments", json={"slot_id": slot.id}, headers=headers
    )
    assert answer.status == 201, await answer.text()
    return await answer.json(), headers


async def _cancel(
    api: Api, appointment_id: int, headers: dict[str, str], **body: object
) -> ClientResponse:
    return await api.http.post(
        f"/api/v1/appointments/{appointment_id}/cancel", json=body, headers=headers
    )


async def test_a_client_cancels_its_own_and_the_time_is_free_again(api: Api) -> None:
    appointment, headers = await _booked(api, 72)
    assert (appointment["late_cancel"], appointment["cancelled_at"]) == (False, None)

    answer = await _cancel(api, appointment["id"], headers, reason="  Заболела  ")

    assert answer.status == 200
    cancelled = await answer.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["late_cancel"] is False  # 72 hours ahead: in good time
    assert cancelled["allowed_statuses"] == []
    assert abs(utcnow() - datetime.fromisoformat(cancelled["cancelled_at"])) < timedelta(minutes=1)
    stored = await Appointment.get(id=appointment["id"])
    assert stored.cancel_reason == "Заболела"
    assert (await Slot.get(id=stored.slot_id)).status == SlotStatus.FREE
    available = await api.http.get("/api/v1/slots/available", headers=headers)
    assert stored.slot_id in [slot["id"] for slot in await available.json()]
    mine = await (await api.http.get("/api/v1/appointments/my", headers=headers)).json()
    assert [(item["status"], item["late_cancel"]) for item in mine] == [("cancelled", False)]

    again = await _cancel(api, appointment["id"], headers)
    refusal = await again.json()
    assert again.status == 409
    assert refusal["error"] == "illegal_transition"
    assert refusal["reason"].startswith("the appointment is already cancelled")


async def test_another_clients_appointment_is_answered_as_a_missing_one(api: Api) -> None:
    appointment, _ = await _booked(api, 72)
    _, stranger = await api.client()

    theirs = await _cancel(api, appointment["id"], stranger)
    missing = await _cancel(api, appointment["id"] + 1000, stranger)

    assert (theirs.status, missing.status) == (404, 404)
    assert (
        await theirs.json()
        == await missing.json()
        == {
            "error": "not_found",
            "reason": "appointment not found",
            "field": "id",
        }
    )
    assert (await Appointment.get(id=appointment["id"])).status == AppointmentStatus.NEW


async def test_a_cancel_within_late_cancel_hours_is_a_late_one(api: Api) -> None:
    assert api.settings.late_cancel_hours == 24  # the shipped default
    soon, soon_headers = await _booked(api, 5)
    later, later_headers = await _booked(api, 30)

    late = await (await _cancel(api, soon["id"], soon_headers)).json()
    in_time = await (await _cancel(api, later["id"], later_headers)).json()

    assert (late["status"], late["late_cancel"]) == ("cancelled", True)
    assert (in_time["status"], in_time["late_cancel"]) == ("cancelled", False)
    assert (await Appointment.get(id=soon["id"])).late_cancel is True
    # LATE_CANCEL_HOURS decides: with 48 hours, 30 hours ahead is late too
    api.settings.late_cancel_hours = 48
    other, other_headers = await _booked(api, 30)
    assert (await (await _cancel(api, other["id"], other_headers)).json())["late_cancel"] is True


async def test_a_begun_session_is_the_clients_no_more_to_cancel_but_a_managers(
    api: Api,
) -> None:
    client, headers = await api.client()
    anna = await make_psychologist()
    slot = await future_slot(anna, -1, status=SlotStatus.BOOKED)
    begun = await Appointment.create(
        slot=slot,
        active_slot_id=slot.id,
        client=client,
        psychologist=anna,
        starts_at=slot.starts_at,
        status=AppointmentStatus.CONFIRMED,
        confirmed=True,
    )

    refused = await _cancel(api, begun.id, headers)
    refusal = await refused.json()
    assert refused.status == 409
    assert (refusal["error"], refusal["field"]) == ("session_begun", "starts_at")
    assert (await Appointment.get(id=begun.id)).status == AppointmentStatus.CONFIRMED

    by_manager = await _cancel(api, begun.id, await api.manager(), reason="психолог заболел")
    cancelled = await by_manager.json()
    assert by_manager.status == 200
    assert (cancelled["status"], cancelled["late_cancel"]) == ("cancelled", False)


async def test_a_manager_cancels_any_and_it_is_never_a_late_cancel(api: Api) -> None:
    soon, _ = await _booked(api, 3)

    answer = await _cancel(api, soon["id"], await api.manager())

    assert answer.status == 200
    cancelled = await answer.json()
    assert (cancelled["status"], cancelled["late_cancel"]) == ("cancelled", False)
    assert cancelled["cancelled_at"] is not None
    missing = await _cancel(api, soon["id"] + 1000, await api.manager())
    assert (missing.status, (await missing.json())["field"]) == (404, "id")


async def test_who_else_is_refused_and_bad_bodies(api: Api) -> None:
    appointment, headers = await _booked(api, 72)
    psychologist = await api.signed_in(Actor.PSYCHOLOGIST, 880_001)
    unregistered = api.auth(Actor.CLIENT, 880_002)

    for caller, status in [({}, 401), (psychologist, 403), (unregistered, 403)]:
        answer = await _cancel(api, appointment["id"], caller)
        assert answer.status == status
        assert (await answer.json())["reason"]
    too_long = await _cancel(api, appointment["id"], headers, reason="я" * 1001)
    assert (too_long.status, (await too_long.json())["field"]) == (400, "reason")
    unknown = await _cancel(api, appointment["id"], headers, why="так")
    assert (unknown.status, (await unknown.json())["field"]) == (400, "why")
    bare = await api.http.post(f"/api/v1/appointments/{appointment['id']}/cancel", headers=headers)
    assert (bare.status, (await bare.json())["field"]) == (400, "body")
    assert (await Appointment.get(id=appointment["id"])).status == AppointmentStatus.NEW


async def test_the_report_counts_late_cancels_of_all_the_periods_appointments(api: Api) -> None:
    anna = await make_psychologist("Анна Иванова")
    boris = await make_psychologist("Борис Смирнов")
    late, late_headers = await _booked(api, 5, anna)
    await _booked(api, 8, anna)
    by_staff, _ = await _booked(api, 6, boris)
    await _booked(api, 50, boris)
    manager = await api.manager()
    assert (await (await _cancel(api, late["id"], late_headers)).json())["late_cancel"] is True
    assert (await _cancel(api, by_staff["id"], manager)).status == 200
    await make_client()  # a client with no sessions changes nothing
    today = utcnow().astimezone(MSK).date()

    answer = await api.http.get(
        "/api/v1/system/reports",
        params={
            "date_from": today.isoformat(),
            "date_to": (today + timedelta(days=3)).isoformat(),
        },
        headers=manager,
    )

    report = await answer.json()
    assert answer.status == 200
    assert (report["appointments"], report["cancellations"]) == (4, 2)
    assert (report["late_cancellations"], report["late_cancel_percent"]) == (1, 25.0)
    assert [
        (row["name"], row["late_cancellations"], row["late_cancel_percent"])
        for row in report["psychologists"]
    ] == [("Анна Иванова", 1, 50.0), ("Борис Смирнов", 0, 0.0)]
