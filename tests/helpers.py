"""Small builders for test data, written through the models (a real database, no fakes)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from db.models import Client, Psychologist, Slot

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 12:00 MSK
_ids = itertools.count(1000)


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
