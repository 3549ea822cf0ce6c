"""Weekly series over the API: booking one answers the series with the weeks skipped, `weeks`
out of range is refused by name, the rest is cancelled by its own client or by staff."""

from __future__ import annotations

from datetime import timedelta

from db.enums import AppointmentStatus
from db.models import Appointment
from domain.timerules import MSK
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot, make_psychologist

BOOK = "/api/v1/appointments"
WEEK_HOURS = 24 * 7


async def _series(api: Api, weeks: int, missing: int | None = None) -> tuple[dict, dict]:
    """A new client's weekly series over the API (slots 50h ahead, every week but `missing`)
    and that client's headers."""
    psychologist = await make_psychologist()
    slots = [
        await future_slot(psychologist, 50 + WEEK_HOURS * week)
        for week in range(weeks)
        if week != missing
    ]
    _, headers = await api.client()
    answer = await api.http.post(
        BOOK, json={"slot_id": slots[0].id, "weeks": weeks}, headers=headers
    )
    assert answer.status == 201, await answer.text()
    return await answer.json(), headers


async def test_a_series_answers_its_sessions_and_the_weeks_skipped(api: Api) -> None:
    answer, headers = await _series(api, 4, missing=2)

    sessions = answer["appointments"]
    assert len(sessions) == 3
    assert {s["series_id"] for s in sessions} == {answer["series_id"]}
    assert [s["series"]["number"] for s in sessions] == [1, 2, 3]
    first = await Appointment.get(id=sessions[0]["id"])
    gap = (first.starts_at + timedelta(days=14)).astimezone(MSK).date()
    assert answer["skipped"] == [gap.isoformat()]
    mine = await (await api.http.get(f"{BOOK}/my", headers=headers)).json()
    assert {s["series_id"] for s in mine} == {answer["series_id"]}


async def test_a_single_booking_answers_as_before(api: Api) -> None:
    slot = await future_slot(hours_ahead=50)
    _, headers = await api.client()
    answer = await api.http.post(BOOK, json={"slot_id": slot.id}, headers=headers)
    body = await answer.json()
    assert answer.status == 201
    assert (body["series_id"], body["series"]) == (None, None)
    assert "appointments" not in body


async def test_weeks_out_of_range_is_refused_by_name(api: Api) -> None:
    slot = await future_slot(hours_ahead=50)
    _, headers = await api.client()
    for weeks in (1, 13, "many"):
        answer = await api.http.post(
            BOOK, json={"slot_id": slot.id, "weeks": weeks}, headers=headers
        )
        assert answer.status == 400
        assert "weeks" in await answer.text()
    assert await Appointment.all().count() == 0


async def test_the_rest_is_cancelled_by_its_client_not_by_another(api: Api) -> None:
    answer, headers = await _series(api, 3)
    ids = [s["id"] for s in answer["appointments"]]
    second = await Appointment.get(id=ids[1])
    day = second.starts_at.astimezone(MSK).date().isoformat()
    cancel = f"/api/v1/series/{answer['series_id']}/cancel"
    _, stranger = await api.client()

    assert (await api.http.post(cancel, json={}, headers=stranger)).status == 404
    assert (await api.http.post(cancel, json={})).status == 401
    bad = await api.http.post(cancel, json={"from": "soon"}, headers=headers)
    assert bad.status == 400 and "from" in await bad.text()
    done = await api.http.post(cancel, json={"from": day}, headers=headers)

    assert done.status == 200
    assert await done.json() == {"series_id": answer["series_id"], "cancelled": ids[1:]}
    statuses = [(await Appointment.get(id=i)).status for i in ids]
    assert statuses == [AppointmentStatus.NEW] + [AppointmentStatus.CANCELLED] * 2


async def test_staff_cancel_the_rest_of_any_series(api: Api) -> None:
    answer, _ = await _series(api, 2)
    manager = await api.manager()

    done = await api.http.post(
        f"/api/v1/series/{answer['series_id']}/cancel", json={}, headers=manager
    )

    assert done.status == 200
    assert (await done.json())["cancelled"] == [s["id"] for s in answer["appointments"]]
