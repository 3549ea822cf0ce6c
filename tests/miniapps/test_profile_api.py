"""The psychologist's own anketa, /api/v1/editor/profile: the fields and the rules of
/psychologist-form, for the signed-in psychologist only, read where clients choose."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from db.enums import Actor, InviteRole, ManagerRole
from db.models import Education, Manager, Psychologist
from domain.booking import choices
from domain.people import invites
from tests.harness.api_callers import bearer
from tests.harness.builders import make_client, make_psychologist
from tests.harness.integrations import ANKETA, fill_anketa

PROFILE = "/api/v1/editor/profile"


async def test_a_psychologist_reads_and_saves_their_own_anketa(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(web_client, token_headers, "Ирина Петрова", 3001)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psy.telegram_id)

    read = await web_client.get(PROFILE, headers=auth)
    assert read.status == 200
    assert await read.json() == {**ANKETA, "name": "Ирина Петрова"}

    changed = {
        **ANKETA,
        "name": "  Ирина Петрова-Смирнова ",
        "age": 41,
        "queries": ["Депрессия", "Выгорание"],
        "additionalModals": ["Гештальт", "Схема-терапия"],
        "minPrice": 4500,
        "maxPrice": 2500,  # written high to low: the same range, as the form reads it
        "helpHandMode": True,
        "education": [
            {
                "educationItemProgramTitle": "Клиническая психология",
                "educationItemTitle": "МГУ",
                "educationItemType": "Высшее",
                "educationItemYear": 2015,
            },
            {"educationItemTitle": "Институт КПТ", "educationItemYear": 2019},
        ],
    }
    saved = await web_client.put(PROFILE, json=changed, headers=auth)
    assert saved.status == 200, await saved.text()
    expected = {
        **changed,
        "name": "Ирина Петрова-Смирнова",
        "minPrice": 2500,
        "maxPrice": 4500,
        "education": [
            changed["education"][0],
            {
                "educationItemProgramTitle": "",
                "educationItemTitle": "Институт КПТ",
                "educationItemType": "",
                "educationItemYear": 2019,
            },
        ],
    }
    assert await saved.json() == expected
    assert await (await web_client.get(PROFILE, headers=auth)).json() == expected

    stored = await Psychologist.get(telegram_id=3001)
    assert (stored.min_price, stored.help_hand_mode) == (2500, True)
    assert await Education.filter(psychologist_id=stored.id).count() == 2
    # The psychologist's own save keeps the schedule editor's link working
    week = await web_client.get("/api/v1/editor/week", headers={"X-Schedule-Secret": psy.secret})
    assert week.status == 200


async def test_clients_choose_by_what_the_psychologist_saved(web_client: TestClient) -> None:
    psychologist = await make_psychologist("Анна Смирнова", slots_at=[30])
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    anketa = {**ANKETA, "name": "Анна Смирнова", "queries": ["Панические атаки"]}
    saved = await web_client.put(
        PROFILE, json={**anketa, "minPrice": 3200, "maxPrice": 6000}, headers=auth
    )
    assert saved.status == 200, await saved.text()

    assert "Панические атаки" in await choices.known_queries()
    cards = await choices.matching_psychologists(["Панические атаки"], 3500)
    assert [(card.name, card.min_price, card.queries) for card in cards] == [
        ("Анна Смирнова", 3200, ("Панические атаки",))
    ]
    assert await choices.matching_psychologists(["Панические атаки"], 3000) == []


REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"name": "Ян"}, "name"),
    ({"name": ""}, "name"),
    ({"age": 17}, "age"),
    ({"age": "old"}, "age"),
    ({"skills": "not a list"}, "skills"),
    ({"queries": ["x" * 201]}, "queries.0"),
    ({"maxPrice": 1_000_001}, "maxPrice"),
    ({"isMarried": "maybe"}, "isMarried"),
    ({"education": [{"educationItemYear": 1700}]}, "education.0.educationItemYear"),
]


@pytest.mark.parametrize(("change", "field"), REFUSALS)
async def test_the_form_s_refusals_name_the_same_field(
    web_client: TestClient, token_headers: dict[str, str], change: dict[str, Any], field: str
) -> None:
    psychologist = await make_psychologist("Анна Смирнова")
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    anketa = {**ANKETA, "name": "Анна Смирнова", **change}

    answer = await web_client.put(PROFILE, json=anketa, headers=auth)
    assert (answer.status, (await answer.json())["field"]) == (400, field)
    form = await web_client.post(
        "/psychologist-form",
        json={"anketa": anketa, "psychologist_id": psychologist.telegram_id},
        headers=token_headers,
    )
    assert (form.status, (await form.json())["field"]) == (400, f"anketa.{field}")
    assert (await Psychologist.get(id=psychologist.id)).about == ""


async def test_a_namesake_and_a_broken_body_are_refused(web_client: TestClient) -> None:
    await make_psychologist("Анна Смирнова")
    psychologist = await make_psychologist("Мария Иванова")
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)

    namesake = await web_client.put(
        PROFILE, json={**ANKETA, "name": "Анна Смирнова"}, headers=auth
    )
    assert (namesake.status, (await namesake.json())["field"]) == (409, "name")
    broken = await web_client.put(PROFILE, data="{", headers=auth)
    assert (broken.status, (await broken.json())["field"]) == (400, "body")
    assert (await Psychologist.get(id=psychologist.id)).name == "Мария Иванова"


async def test_only_a_psychologist_has_a_profile(web_client: TestClient) -> None:
    client = await make_client()
    await Manager.create(telegram_id=7101, role=ManagerRole.MANAGER)
    body = {**ANKETA, "name": "Кто-то Другой"}
    for auth in (
        bearer(web_client, Actor.CLIENT, client.telegram_id),
        bearer(web_client, Actor.MANAGER, 7101),
    ):
        assert (await web_client.get(PROFILE, headers=auth)).status == 403
        assert (await web_client.put(PROFILE, json=body, headers=auth)).status == 403
    assert (await web_client.get(PROFILE)).status == 401
    assert (await web_client.put(PROFILE, json=body)).status == 401
    assert not await Psychologist.exists(name="Кто-то Другой")


async def test_an_invited_psychologist_completes_the_anketa(web_client: TestClient) -> None:
    invite = await invites.create_invite(9001, [9001], role=InviteRole.PSYCHOLOGIST)
    joined = await invites.accept_invite(invite.code, 3101, name="Ян")
    auth = bearer(web_client, Actor.PSYCHOLOGIST, 3101)

    # The name the bot took from Telegram is shown as it is, to be corrected
    read = await web_client.get(PROFILE, headers=auth)
    assert read.status == 200
    assert (await read.json())["name"] == "Ян"
    again = await web_client.put(PROFILE, json={"name": "Ян"}, headers=auth)
    assert (again.status, (await again.json())["field"]) == (400, "name")

    saved = await web_client.put(PROFILE, json={**ANKETA, "name": "Ян Ковальский"}, headers=auth)
    assert saved.status == 200
    assert (await Psychologist.get(id=joined.id)).name == "Ян Ковальский"
    assert await Psychologist.all().count() == 1
