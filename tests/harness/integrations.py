"""Callers of the integration API: psychologists made through the anketa endpoint, slot
strings in next week (always ahead of the real clock the app uses), automatch calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from aiohttp.test_utils import TestClient

from domain.timerules import MSK, utcnow

ANKETA = {
    "about": "Работаю с тревогой",
    "age": 35,
    "sexClient": "Не имеет значения",
    "minClientAge": 18,
    "maxClientAge": 60,
    "psychologistPersonalTherapyType": "Индивидуальная",
    "psychologistPersonalTherapyDuration": "2 года",
    "mainModal": "КПТ",
    "additionalModals": ["Гештальт"],
    "skills": ["Кризисы"],
    "queries": ["Тревога", "Отношения"],
    "telegram_link": "https://t.me/psy",
    "site_link": "",
    "vk_link": "",
    "minPrice": 1000,
    "maxPrice": 3000,
    "isMarried": False,
    "hasChildren": True,
    "allWithPriceMode": False,
    "firstFreeMode": True,
    "helpHandMode": False,
    "education": [
        {
            "educationItemProgramTitle": "Клиническая психология",
            "educationItemTitle": "МГУ",
            "educationItemType": "Высшее",
            "educationItemYear": 2015,
        }
    ],
}


@dataclass(frozen=True)
class Psy:
    name: str
    telegram_id: int
    secret: str


def next_monday() -> date:
    """Monday of next week in MSK: its days are in the second weekly text, always ahead."""
    today = utcnow().astimezone(MSK).date()
    return today + timedelta(days=7 - today.weekday())


def slot_at(day: date, hour: int, minute: int = 0) -> str:
    return f"{day:%d.%m} {hour:02d}:{minute:02d}"


def instant(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of a wall time in MSK (database filters take UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=MSK).astimezone(UTC)


async def fill_anketa(
    client: TestClient, headers: dict[str, str], name: str, telegram_id: int, **changes: object
) -> Psy:
    answer = await client.post(
        "/psychologist-form",
        json={"anketa": {**ANKETA, "name": name, **changes}, "psychologist_id": str(telegram_id)},
        headers=headers,
    )
    assert answer.status in {200, 201}, await answer.text()
    body = await answer.json()
    return Psy(name, telegram_id, body["secret"])


async def add_slots(client: TestClient, psy: Psy, *slots: str) -> list[int]:
    ids = []
    for slot in slots:
        answer = await client.post("/add-slot", json={"secret": psy.secret, "slot": slot})
        assert answer.status == 201, await answer.text()
        ids.append((await answer.json())["id"])
    return ids


async def automatch(
    client: TestClient,
    headers: dict[str, str],
    names: list[str],
    slots: list[str],
    telegram_id: int = 777001,
    **ticket_info: object,
) -> tuple[int, dict]:
    answer = await client.post(
        "/automatch",
        json={
            "psychologists": ";".join(names),
            "slots": ";".join(slots),
            "ticket_info": {"queries": "Тревога;Сон", **ticket_info},
            "client_info": {"telegram_id": str(telegram_id), "name": "Анна"},
            "slots_id": "",
        },
        headers=headers,
    )
    return answer.status, await answer.json()
