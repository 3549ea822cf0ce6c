"""Builders of test data, written through the models (a real database, no fakes): people,
slots on the test clock (NOW) or the real one, booked appointments."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from db.enums import Actor
from db.models import Appointment, Client, Psychologist, Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.timerules import utcnow

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 12:00 MSK
BY_CLIENT = Initiator(Actor.CLIENT, source="bot")
_ids = itertools.count(1000)
# Distinct Telegram ids per run for people who talk to the bot: FSM state in a shared Redis
# must not leak between runs.
_telegram_ids = itertools.count(random.randrange(10**9, 2 * 10**9, 10_000))


def new_telegram_id() -> int:
    """A Telegram id nobody in this run or an earlier one has had."""
    return next(_telegram_ids)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def hours_from_now(hours: float) -> datetime:
    """A whole hour `hours` ahead of the real clock."""
    return utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)


async def make_psychologist(
    name: str | None = None, *, slots_at: Iterable[float] = (), **fields: Any
) -> Psychologist:
    """A psychologist with `fields` (a name and a Telegram id of their own unless given) and
    free slots the given numbers of hours ahead of the real clock."""
    number = next(_ids)
    psychologist = await Psychologist.create(
        name=name or f"Психолог {number}", telegram_id=fields.pop("telegram_id", number), **fields
    )
    for hours_ahead in slots_at:
        await future_slot(psychologist, hours_ahead)
    return psychologist


async def make_bookable_psychologist(
    name: str,
    *,
    queries: list[str] | None = None,
    slots_at: Iterable[float] = (50, 52, 54),
    **fields: Any,
) -> Psychologist:
    """A psychologist a client finds and books in the bot: a topic, a price, a text about
    them and free slots the given numbers of hours ahead."""
    return await make_psychologist(
        name,
        slots_at=slots_at,
        telegram_id=fields.pop("telegram_id", new_telegram_id()),
        queries=queries or ["anxiety"],
        min_price=fields.pop("min_price", 2500),
        about=fields.pop("about", f"About {name}"),
        **fields,
    )


async def make_client(**fields: Any) -> Client:
    number = next(_ids)
    return await Client.create(
        telegram_id=fields.pop("telegram_id", 500_000 + number),
        name=fields.pop("name", f"Клиент {number}"),
        **fields,
    )


async def make_slot(psychologist: Psychologist, hours_ahead: float = 48, **fields: Any) -> Slot:
    """A slot `hours_ahead` after NOW (the test clock)."""
    return await Slot.create(
        psychologist=psychologist, starts_at=NOW + timedelta(hours=hours_ahead), **fields
    )


async def future_slot(
    psychologist: Psychologist | None = None, hours_ahead: float = 72, **fields: Any
) -> Slot:
    """A slot `hours_ahead` from the real clock (the API runs on the real clock)."""
    psychologist = psychologist or await make_psychologist()
    return await Slot.create(
        psychologist=psychologist, starts_at=hours_from_now(hours_ahead), **fields
    )


async def booked(
    hours_ahead: float = 48, *, meeting_link: str = "https://meet.example/room-1", **client: Any
) -> tuple[Appointment, Client, Psychologist]:
    """An appointment booked at NOW (the test clock) for a slot `hours_ahead` later."""
    psychologist = await make_psychologist()
    person = await make_client(**client)
    slot = await make_slot(psychologist, hours_ahead)
    appointment = await appointments.book(
        person.id,
        slot.id,
        BY_CLIENT,
        require_own_hold=False,
        meeting_link=meeting_link,
        now=NOW,
    )
    return appointment, person, psychologist
