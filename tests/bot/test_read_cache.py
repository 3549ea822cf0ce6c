"""A hold and a booking made in the bot show on the very next read of the web app's cached
answers (the bot and the web server share one process and its change feed, as
`python main.py` runs them; with Redis the change also goes through the shared generation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient

from db.enums import Actor, ManagerRole
from db.models import Manager
from tests.harness.api_callers import bearer
from tests.harness.bot_users import Person, free_times_of, register
from tests.harness.builders import make_bookable_psychologist

MANAGER_ID = 777_000_010


class ManagerView:
    def __init__(self, web: TestClient) -> None:
        self.web = web
        self.headers = bearer(web, Actor.MANAGER, MANAGER_ID)

    async def get(self, path: str, **params: object) -> Any:
        answer = await self.web.get(path, params=params, headers=self.headers)
        assert answer.status == 200, await answer.text()
        return await answer.json()

    async def free_slot_ids(self, psychologist_id: int) -> list[int]:
        slots = await self.get("/api/v1/slots/available", psychologist_id=psychologist_id)
        return [slot["id"] for slot in slots]

    async def cards(self) -> list[tuple[str, int]]:
        board = await self.get("/api/v1/dashboard/board")
        return [
            (status, card["client"]["telegram_id"])
            for status, column in board["columns"].items()
            for card in column
        ]


async def test_a_hold_and_a_booking_in_the_bot_show_on_the_next_read(
    person: Callable[..., Person], web_client: TestClient
) -> None:
    await Manager.create(telegram_id=MANAGER_ID, name="Olga", role=ManagerRole.MANAGER)
    maria = await make_bookable_psychologist("Maria Ivanova", queries=["anxiety"], min_price=3000)
    # the web app in the bot's process: the two share its container
    view = ManagerView(web_client)
    free = await view.free_slot_ids(maria.id)
    assert len(free) == 3
    assert await view.free_slot_ids(maria.id) == free  # now from the cache
    assert await view.cards() == []

    anna = person("en")
    await register(anna)
    week, slot_button = await free_times_of(anna, "Maria Ivanova")
    slot_id = int(slot_button["callback_data"].split(":")[1])
    await anna.click(slot_button["text"], week["message_id"])
    held = await anna.expect("held for you until")

    assert await view.free_slot_ids(maria.id) == [i for i in free if i != slot_id]
    assert await view.cards() == []

    await anna.click("✅ Confirm", held["message_id"])
    await anna.expect("You are booked: Maria Ivanova")
    assert await view.free_slot_ids(maria.id) == [i for i in free if i != slot_id]
    assert await view.cards() == [("new", anna.id)]
