"""Small builders for test data, written through the models (a real database, no fakes)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from db.models import Client, Psychologist, Slot
from sandbox import run_emulator
from services import Services

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 12:00 MSK
_ids = itertools.count(1000)


@contextlib.asynccontextmanager
async def bot_on_emulator(services: Services) -> AsyncIterator[None]:
    """`services.bot` talking to a private Bot API emulator, for the block (what invite links
    name, what messages go to)."""
    async with run_emulator() as emulator:
        services.bot = emulator.make_bot()
        try:
            yield
        finally:
            await services.bot.session.close()
            services.bot = None


async def make_psychologist(name: str | None = None, **fields: object) -> Psychologist:
    number = next(_ids)
    return await Psychologist.create(
        name=name or f"Психолог {number}", telegram_id=fields.pop("telegram_id", number), **fields
    )


async def make_client(**fields: object) -> Client:
    number = next(_ids)
    return await Client.create(
        telegram_id=fields.pop("telegram_id", 500_000 + number),
        name=fields.pop("name", f"Клиент {number}"),
        **fields,
    )


async def make_slot(psychologist: Psychologist, hours_ahead: float = 48, **fields: object) -> Slot:
    return await Slot.create(
        psychologist=psychologist, starts_at=NOW + timedelta(hours=hours_ahead), **fields
    )
