"""Every cached answer of the web app about one psychologist and one day, read through HTTP as
a manager reads them, next to the same answers computed afresh from the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp.test_utils import TestClient
from pydantic import BaseModel

from db.models import Psychologist
from domain.booking import board
from domain.booking.availability import available_slots
from domain.schedule.schedules import weekly_texts_until
from tests.harness.api_callers import Api
from webapp.api.schemas import BoardOut, SlotList
from webapp.integrations.timetext import offset_zone

TEXTS = "/get-aggregated-schedule-by-psychologist-test-contur"


class Reads:
    """Every cached answer about one psychologist and one day, as a manager reads them."""

    def __init__(self, api: Api, psychologist: Psychologist, day: date) -> None:
        self.api = api
        self.psychologist = psychologist
        self.day = day

    async def through(self, http: TestClient) -> dict[str, Any]:
        staff = await self.api.manager()
        day = self.day.isoformat()

        async def get(path: str, **params: object) -> Any:
            answer = await http.get(path, params=params, headers=staff)
            assert answer.status == 200, await answer.text()
            return await answer.json()

        return {
            "slots of one": await get(
                "/api/v1/slots/available", psychologist_id=self.psychologist.id
            ),
            "slots of a day": await get("/api/v1/slots/available", date_from=day, date_to=day),
            "weekly texts": await get(TEXTS, psychologist=self.psychologist.name),
            "board": await get("/api/v1/dashboard/board"),
        }

    async def truth(self) -> dict[str, Any]:
        """The same answers computed afresh from the database."""
        first, last = board.board_range(None, None, days=28)
        board_first, board_last = board.board_range(None, None)
        texts, _ = await weekly_texts_until(self.psychologist.name, offset_zone(0))
        return {
            "slots of one": as_json(
                SlotList,
                await available_slots(first, last, psychologist_id=self.psychologist.id),
            ),
            "slots of a day": as_json(SlotList, await available_slots(self.day, self.day)),
            "weekly texts": [{"res": texts}],
            "board": as_json(BoardOut, {"columns": await board.board(board_first, board_last)}),
        }

    async def warm(self, readers: list[TestClient]) -> dict[str, Any]:
        """Read everything on every instance twice (the second read comes from the cache)."""
        before = await self.truth()
        for http in readers:
            assert await self.through(http) == before
            assert await self.through(http) == before
        return before

    async def assert_seen(self, readers: list[TestClient], before: dict[str, Any]) -> None:
        """The change shows in the database and on the very next read everywhere."""
        after = await self.truth()
        assert after != before, "the change did not change any answer"
        for http in readers:
            assert await self.through(http) == after


def as_json(shape: type[BaseModel], value: object) -> Any:
    """`value` as the route answering in `shape` writes it, parsed."""
    return shape.model_validate(value, from_attributes=True).model_dump(mode="json")
