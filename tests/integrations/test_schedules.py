"""The weekly schedule texts (by name, aggregated with an offset) and a psychologist's own
slots by secret."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from aiohttp.test_utils import TestClient

from db.enums import Actor
from db.models import Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.timerules import MSK, utcnow
from tests.harness.builders import make_client
from tests.harness.integrations import add_slots, fill_anketa, instant, next_monday, slot_at

ORDINALS = ("первую", "вторую", "третью", "четвёртую")
BY_CLIENT = Initiator(Actor.CLIENT, source="test")


def empty_week(index: int, monday: date) -> str:
    return (
        f"Расписание на {ORDINALS[index]} неделю ({monday:%d.%m}-{monday + timedelta(6):%d.%m})"
        "\n\n🟩 Свободно:\n\n—\n\n✅Забронировано\n\n—\n"
    )


def this_monday(zone: timezone | object = MSK) -> date:
    today = utcnow().astimezone(zone).date()  # type: ignore[arg-type]
    return today - timedelta(days=today.weekday())


async def _psychologist_with_week(web_client: TestClient, headers: dict[str, str]):
    psy = await fill_anketa(web_client, headers, "Ольга Смирнова", 2001)
    monday = next_monday()
    tuesday = monday + timedelta(days=1)
    await add_slots(
        web_client,
        psy,
        slot_at(monday, 11),
        slot_at(monday, 10),
        slot_at(monday, 22),
        slot_at(tuesday, 15),
    )
    booked = await Slot.get(starts_at=instant(tuesday, 15))
    await appointments.book((await make_client()).id, booked.id, BY_CLIENT, require_own_hold=False)
    return psy, monday, tuesday


async def test_weekly_texts_by_name_are_exact(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy, monday, tuesday = await _psychologist_with_week(web_client, token_headers)

    answer = await web_client.get("/get-slot", params={"psychologist": psy.name})

    assert answer.status == 200
    body = await answer.json()
    assert [list(item) for item in body] == [["res"]]
    texts = body[0]["res"]
    first = this_monday()
    assert texts[1] == (
        f"Расписание на вторую неделю ({monday:%d.%m}-{monday + timedelta(6):%d.%m})\n\n"
        f"🟩 Свободно:\n\n{monday:%d.%m} Пн: 10:00, 11:00, 22:00\n\n"
        f"✅Забронировано\n\n{tuesday:%d.%m} Вт: 15:00\n"
    )
    assert [texts[0], texts[2], texts[3]] == [
        empty_week(0, first),
        empty_week(2, first + timedelta(14)),
        empty_week(3, first + timedelta(21)),
    ]


async def test_aggregated_schedule_shifts_to_the_readers_zone(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy, monday, tuesday = await _psychologist_with_week(web_client, token_headers)

    plain = await web_client.get(
        "/get-aggregated-schedule-by-psychologist-test-contur", params={"utm_psy": psy.name}
    )
    by_name = await web_client.get("/get-slot", params={"psychologist": psy.name})
    assert await plain.json() == await by_name.json()

    shifted = await web_client.get(
        "/get-aggregated-schedule-by-psychologist-test-contur",
        params={"psychologist": psy.name, "userTimeOffsetMsk": "2.5"},
    )
    assert shifted.status == 200
    texts = (await shifted.json())[0]["res"]
    zone = timezone(timedelta(hours=5, minutes=30))
    week = (monday - this_monday(zone)).days // 7
    assert texts[week] == (
        f"Расписание на {ORDINALS[week]} неделю "
        f"({monday:%d.%m}-{monday + timedelta(6):%d.%m})\n\n"
        f"🟩 Свободно:\n\n{monday:%d.%m} Пн: 12:30, 13:30\n{tuesday:%d.%m} Вт: 00:30\n\n"
        f"✅Забронировано\n\n{tuesday:%d.%m} Вт: 17:30\n"
    )


async def test_schedule_refuses_unknown_names_and_bad_input(web_client: TestClient) -> None:
    unknown = await web_client.get("/get-slot", params={"psychologist": "Никто Никакой"})
    assert unknown.status == 404
    assert (await unknown.json())["field"] == "psychologist"
    nothing = await web_client.get("/get-slot")
    assert (nothing.status, (await nothing.json())["field"]) == (400, "psychologist")
    aggregated = "/get-aggregated-schedule-by-psychologist-test-contur"
    no_name = await web_client.get(aggregated, params={"userTimeOffsetMsk": "1"})
    assert (no_name.status, (await no_name.json())["field"]) == (400, "psychologist")
    for offset in ("abc", "2.3", "40", "nan"):
        bad = await web_client.get(
            aggregated, params={"psychologist": "X", "userTimeOffsetMsk": offset}
        )
        assert bad.status == 400, offset
        assert (await bad.json())["field"] == "userTimeOffsetMsk"


async def test_own_slots_by_secret_carry_their_state(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy, monday, tuesday = await _psychologist_with_week(web_client, token_headers)
    held = await Slot.get(starts_at=instant(monday, 10))
    await appointments.hold_slot((await make_client()).id, held.id)

    answer = await web_client.get(
        "/get-slot",
        params={
            "secret": psy.secret,
            "startDate": monday.isoformat(),
            "endDate": tuesday.isoformat(),
        },
    )

    assert answer.status == 200
    rows = await answer.json()
    assert [(r["slot"], r["state"]) for r in rows] == [
        (slot_at(monday, 10), "held"),
        (slot_at(monday, 11), "free"),
        (slot_at(monday, 22), "free"),
        (slot_at(tuesday, 15), "booked"),
    ]
    assert rows[0]["held_until"] is not None
    assert (rows[0]["date"], rows[0]["time"]) == (f"{monday:%d.%m}", "10:00")
    assert rows[3]["lead_number"] is None  # booked without a ticket

    only_monday = await web_client.get(
        "/get-slot",
        params={"secret": psy.secret, "startDate": str(monday), "endDate": str(monday)},
    )
    assert len(await only_monday.json()) == 3


async def test_own_slots_need_the_right_secret_and_dates(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(web_client, token_headers, "Ольга Смирнова", 2001)
    wrong = await web_client.get(
        "/get-slot", params={"secret": "nope", "startDate": "2026-01-01", "endDate": "2026-01-02"}
    )
    assert wrong.status == 401
    cases = [
        ({"startDate": "2026-01-01"}, "endDate"),
        ({"startDate": "01.01.2026", "endDate": "2026-01-02"}, "startDate"),
    ]
    for dates, field in cases:
        answer = await web_client.get("/get-slot", params={"secret": psy.secret, **dates})
        assert answer.status == 400, dates
        assert (await answer.json())["field"] == field
    # No schema can compare two dates: a period that ends before it starts has no slots, a
    # long one is answered for its first days.
    for dates in (
        {"startDate": "2026-02-01", "endDate": "2026-01-02"},
        {"startDate": "2026-01-01", "endDate": "2026-12-31"},
    ):
        answer = await web_client.get("/get-slot", params={"secret": psy.secret, **dates})
        assert (answer.status, await answer.json()) == (200, []), dates
