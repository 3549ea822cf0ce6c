"""KPI reports of a period: counts, percentages, load, the form funnel, a daily series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from db.enums import Actor, AppointmentStatus
from db.models import Appointment, Client, FormTracking, Psychologist, Slot, Ticket
from tests.harness.api_callers import Api
from tests.harness.builders import make_client, make_psychologist

DAY = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)  # 12:00 MSK, Monday


async def _session(
    psychologist: Psychologist,
    client: Client,
    at: datetime,
    status: AppointmentStatus,
    auto: bool = False,
) -> Appointment:
    slot = await Slot.create(psychologist=psychologist, starts_at=at, status="booked")
    appointment = await Appointment.create(
        slot=slot,
        client=client,
        psychologist=psychologist,
        starts_at=at,
        status=status,
        auto_canceled=auto,
    )
    await Appointment.filter(id=appointment.id).update(created_at=at - timedelta(days=1))
    return appointment


async def test_report_of_a_period(api: Api) -> None:
    anna = await make_psychologist("Анна Иванова")
    boris = await make_psychologist("Борис Смирнов")
    regular, once, newcomer = await make_client(), await make_client(), await make_client()
    await _session(anna, regular, DAY - timedelta(days=20), AppointmentStatus.COMPLETED)
    await _session(anna, regular, DAY, AppointmentStatus.COMPLETED)
    await _session(anna, once, DAY + timedelta(days=1), AppointmentStatus.COMPLETED)
    await _session(boris, newcomer, DAY + timedelta(days=1, hours=2), AppointmentStatus.NO_SHOW)
    await _session(
        boris, newcomer, DAY + timedelta(days=2), AppointmentStatus.CANCELLED, auto=True
    )
    await Slot.create(psychologist=boris, starts_at=DAY + timedelta(days=2, hours=3))
    for number in ("1", "2"):
        ticket = await Ticket.create(number=number)
        await Ticket.filter(id=ticket.id).update(created_at=DAY)
    for number, steps in [("1", ["start", "queries", "slots"]), ("2", ["start", "start"])]:
        form = await FormTracking.create(
            ticket_number=number,
            form_type="main",
            steps=[{"step": s, "at": DAY.isoformat()} for s in steps],
        )
        await FormTracking.filter(id=form.id).update(created_at=DAY)

    answer = await api.http.get(
        "/api/v1/system/reports",
        params={"date_from": "2026-10-05", "date_to": "2026-10-07"},
        headers=await api.manager(),
    )

    assert answer.status == 200
    report = await answer.json()
    assert {k: v for k, v in report.items() if k not in {"psychologists", "funnel", "daily"}} == {
        "date_from": "2026-10-05",
        "date_to": "2026-10-07",
        "new_requests": 2,
        "new_appointments": 3,
        "appointments": 4,
        "completed": 2,
        "completed_percent": 50.0,
        "repeat_visits_percent": 50.0,
        "cancellations": 1,
        "auto_cancellations": 1,
        "no_shows": 1,
        "late_cancellations": 0,  # an auto-cancel is never a late one
        "late_cancel_percent": 0.0,
    }
    assert report["psychologists"] == [
        {
            "psychologist_id": anna.id,
            "name": "Анна Иванова",
            "slots": 2,
            "booked": 2,
            "completed": 2,
            "load_percent": 100.0,
            "late_cancellations": 0,
            "late_cancel_percent": 0.0,
        },
        {
            "psychologist_id": boris.id,
            "name": "Борис Смирнов",
            "slots": 3,
            "booked": 1,
            "completed": 0,
            "load_percent": 33.3,
            "late_cancellations": 0,
            "late_cancel_percent": 0.0,
        },
    ]
    assert report["funnel"] == {
        "main": [
            {"step": "start", "count": 2},
            {"step": "queries", "count": 1},
            {"step": "slots", "count": 1},
        ]
    }
    assert [
        (day["date"], day["appointments"], day["completed"], day["new_requests"])
        for day in report["daily"]
    ] == [("2026-10-05", 1, 1, 2), ("2026-10-06", 2, 1, 0), ("2026-10-07", 1, 0, 0)]


async def test_report_defaults_and_refusals(api: Api) -> None:
    manager = await api.manager()
    default = await (await api.http.get("/api/v1/system/reports", headers=manager)).json()
    assert len(default["daily"]) == 30
    assert default["new_requests"] == 0
    for params, field in [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_to": "2026-10-1"}, "date_to"),
        ({"date_from": "0999-12-31"}, "date_from"),
    ]:
        answer = await api.http.get("/api/v1/system/reports", params=params, headers=manager)
        assert (answer.status, (await answer.json())["field"]) == (400, field)
    # No schema can compare two dates: a period that ends before it starts is a report of no
    # days, a long one is a report of its first 366 days, and the answer names its days.
    for params, covered, days in [
        ({"date_from": "2026-10-07", "date_to": "2026-10-01"}, ("2026-10-07", "2026-10-01"), 0),
        ({"date_from": "2099-01-01"}, ("2099-01-01", None), 0),  # ends today, before it starts
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, ("2020-01-01", "2020-12-31"), 366),
    ]:
        answer = await api.http.get("/api/v1/system/reports", params=params, headers=manager)
        report = await answer.json()
        assert answer.status == 200, report
        assert report["date_from"] == covered[0]
        assert covered[1] in (None, report["date_to"])
        assert (len(report["daily"]), report["appointments"]) == (days, 0)
    client = await api.http.get("/api/v1/system/reports", headers=api.auth(Actor.CLIENT, 1))
    assert client.status == 403
