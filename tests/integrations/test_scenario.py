"""The flow an integration drives, end to end over HTTP, and the routes in the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta, timezone

from aiohttp.test_utils import TestClient

from domain.schedule.schedule_text import ORDINALS
from domain.timerules import utcnow, week_start
from tests.harness.integrations import add_slots, automatch, fill_anketa, next_monday, slot_at

LEGACY_PATHS = {
    "/init-form-tracking": "post",
    "/update-tracking-step": "put",
    "/psychologist-form": "post",
    "/client-registration": "post",
    "/get-slot": "get",
    "/get-aggregated-schedule-by-psychologist-test-contur": "get",
    "/add-slot": "post",
    "/delete-slot": "post",
    "/get-ticket-for-slot": "get",
    "/get_general_slots": "post",
    "/get-assigment-coeff": "get",
    "/automatch": "post",
    "/reassign": "post",
    "/get-reassignment-schedule": "get",
    "/get-ticket-info-for-reassigment": "get",
    "/get-ticket-info-for-reassigment-without-schedule": "get",
    "/get-help-hand-tickets": "post",
    "/confirm-help-hand-by-psychologist": "post",
    "/plan-events": "post",
    "/plan-client-events": "post",
    "/notify-update": "post",
    "/generate-conference-link": "post",
}


def week(ordinal: str, monday, free: str, booked: str) -> str:  # noqa: ANN001 - a date
    return (
        f"Расписание на {ordinal} неделю ({monday:%d.%m}-{monday + timedelta(6):%d.%m})\n\n"
        f"🟩 Свободно:\n\n{free}\n\n✅Забронировано\n\n{booked}\n"
    )


async def test_two_psychologists_to_a_reassigned_session_with_a_link(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    anna = await fill_anketa(web_client, token_headers, "Анна Иванова", 10001)
    boris = await fill_anketa(web_client, token_headers, "Борис Орлов", 10002)
    mon = next_monday()
    tue, wed = mon + timedelta(days=1), mon + timedelta(days=2)
    await add_slots(web_client, anna, slot_at(mon, 10), slot_at(mon, 12), slot_at(tue, 18))
    await add_slots(web_client, boris, slot_at(mon, 12), slot_at(tue, 18), slot_at(wed, 9, 30))

    aggregated = "/get-aggregated-schedule-by-psychologist-test-contur"
    texts = (await (await web_client.get(aggregated, params={"psychologist": anna.name})).json())[
        0
    ]["res"]
    assert texts[1] == week(
        "вторую", mon, f"{mon:%d.%m} Пн: 10:00, 12:00\n{tue:%d.%m} Вт: 18:00", "—"
    )
    shifted = await web_client.get(
        aggregated, params={"utm_psy": boris.name, "userTimeOffsetMsk": "-1"}
    )
    # The reader one hour behind MSK may still be in the previous week around Monday midnight.
    behind = timezone(timedelta(hours=2))
    index = (mon - week_start(utcnow().astimezone(behind).date())).days // 7
    assert (await shifted.json())[0]["res"][index] == week(
        ORDINALS[index],
        mon,
        f"{mon:%d.%m} Пн: 11:00\n{tue:%d.%m} Вт: 17:00\n{wed:%d.%m} Ср: 08:30",
        "—",
    )

    top = await web_client.post(
        "/get_general_slots", json={"psychologist_list": f"{anna.name}, {boris.name}"}
    )
    assert (await top.json())["formated_result"] == (
        "Топ-3 наиболее свободных слота\n\n"
        f"{slot_at(mon, 12)}: 2\n{slot_at(tue, 18)}: 2\n{slot_at(mon, 10)}: 1\n"
    )

    status, match = await automatch(
        web_client, token_headers, [anna.name, boris.name], [slot_at(tue, 18), slot_at(mon, 12)]
    )
    assert status == 200
    assert (match["psychologist"], match["slot"]) == (anna.name, slot_at(mon, 12))
    assert match["meeting_link"].startswith("https://meet.jit.si/")

    by_name = await web_client.get("/get-slot", params={"psychologist": anna.name})
    assert (await by_name.json())[0]["res"][1] == week(
        "вторую", mon, f"{mon:%d.%m} Пн: 10:00\n{tue:%d.%m} Вт: 18:00", f"{mon:%d.%m} Пн: 12:00"
    )

    ticket = await web_client.get(
        "/get-ticket-for-slot",
        params={"secret": anna.secret, "date": f"{mon:%d.%m}", "time": "12:00"},
    )
    assert (await ticket.json())["lead_number"] == match["lead_number"]

    moved = await web_client.post(
        "/reassign",
        json={
            "lead_number": match["lead_number"],
            "filtered_psychologists": boris.name,
            "slots": slot_at(wed, 9, 30),
            "_queries": "Тревога",
        },
        headers=token_headers,
    )
    assert moved.status == 200
    reassigned = await moved.json()
    assert (reassigned["psychologist"], reassigned["slot"]) == (boris.name, slot_at(wed, 9, 30))
    assert (await (await web_client.get("/get-slot", params={"psychologist": boris.name})).json())[
        0
    ]["res"][1] == week(
        "вторую", mon, f"{mon:%d.%m} Пн: 12:00\n{tue:%d.%m} Вт: 18:00", f"{wed:%d.%m} Ср: 09:30"
    )

    link = await web_client.post(
        "/generate-conference-link",
        json={"lead_number": reassigned["lead_number"]},
        headers=token_headers,
    )
    assert await link.json() == {
        "appointment_id": match["appointment_id"],
        "meeting_link": match["meeting_link"],
        "meeting_id": match["meeting_link"].removeprefix("https://meet.jit.si/"),
        "calendar_meeting_id": "",
        "provider": "existing",
    }


async def test_every_legacy_route_is_in_the_openapi_document(web_client: TestClient) -> None:
    document = await (await web_client.get("/api/v1/openapi.json")).json()
    for path, method in LEGACY_PATHS.items():
        operation = document["paths"][path][method]
        assert operation["summary"], path
        assert operation["tags"][0].startswith("legacy"), path
    automatch_op = document["paths"]["/automatch"]["post"]
    assert automatch_op["security"] == [{"bearer": []}]
    assert automatch_op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AutomatchBody"
    }
    aggregated = document["paths"]["/get-aggregated-schedule-by-psychologist-test-contur"]["get"]
    # one of psychologist and utm_psy is required: the query is one object that says so
    [query] = aggregated["parameters"]
    assert (query["in"], query["style"], query["explode"]) == ("query", "form", True)
    assert set(query["schema"]["properties"]) == {
        "psychologist",
        "utm_psy",
        "userTimeOffsetMsk",
    }
