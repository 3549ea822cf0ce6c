"""Fixtures of the robustness tests: a small world of records and callers, with a bot on an
emulator (invite links name it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.harness.api_callers import Api
from tests.harness.bots import bot_on_emulator
from tests.harness.worlds import World, build_world
from webapp.keys import SERVICES


@pytest.fixture
async def world(api: Api) -> AsyncIterator[World]:
    world = await build_world(api)
    # A bot for the invite links (they name it), talking to an emulator.
    async with bot_on_emulator(api.http.app[SERVICES]):
        yield world
