"""Seed data through the product's domain: psychologists with slots
(domain.schedule.slots.add_slot), registered clients (domain.people.clients.sign_in) and
bookings (domain.booking.appointments.book)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from datetime import datetime, time, timedelta

from db.enums import Actor
from db.models import Psychologist
from domain.audit import Initiator
from domain.booking import appointments
from domain.people import clients
from domain.schedule import slots
from domain.timerules import MSK, utcnow

SLOT_DAYS = 28
FIRST_HOUR = 9
CONCURRENCY = 16
CLIENT_TELEGRAM_BASE = 700_000_000


async def _bounded(jobs: Iterable[Awaitable[object]], limit: int = CONCURRENCY) -> list[object]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Awaitable[object]) -> object:
        async with gate:
            return await job

    return await asyncio.gather(*(run(job) for job in jobs))


def slot_starts(count: int, now: datetime, days: int = SLOT_DAYS) -> list[datetime]:
    """`count` hour-long starts spread over the next `days` days (MSK, from tomorrow)."""
    tomorrow = now.astimezone(MSK).date() + timedelta(days=1)
    return [
        datetime.combine(tomorrow + timedelta(days=k % days), time(FIRST_HOUR + k // days), MSK)
        for k in range(count)
    ]


async def psychologists_with_slots(
    count: int, slots_each: int, days: int = SLOT_DAYS, *, telegram_base: int | None = None
) -> list[int]:
    """`count` psychologists («Психолог N»), each with `slots_each` free slots over the next
    `days` days; their ids. With `telegram_base` psychologist N has the Telegram id
    `telegram_base + N` (and is told of the bookings of their slots)."""
    now = utcnow()
    await Psychologist.bulk_create(
        [
            Psychologist(
                name=f"Психолог {n}",
                telegram_id=None if telegram_base is None else telegram_base + n,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    ids = list(await Psychologist.all().order_by("id").values_list("id", flat=True))
    starts = slot_starts(slots_each, now, days)
    await _bounded(slots.add_slot(pid, start, now=now) for pid in ids for start in starts)
    return ids


async def registered_clients(
    count: int, base: int = CLIENT_TELEGRAM_BASE, *, concurrency: int = CONCURRENCY
) -> list[tuple[int, int]]:
    """`count` clients registered as the bot does; (client id, telegram id) each. One at a
    time (`concurrency=1`) client N's id is the first one's + N."""
    made = await _bounded(
        (
            clients.sign_in(
                base + n, name=f"Клиент {n}", phone=f"+7999{n:07d}", phone_verified=True
            )
            for n in range(count)
        ),
        concurrency,
    )
    return [(client.id, base + n) for n, (client, _) in enumerate(made)]  # type: ignore[misc]


async def book_each(pairs: list[tuple[int, int]]) -> None:
    """Book (client id, slot id) pairs through the booking core."""
    initiator = Initiator(Actor.CLIENT, source="bench")
    await _bounded(
        appointments.book(client_id, slot_id, initiator, require_own_hold=False)
        for client_id, slot_id in pairs
    )
