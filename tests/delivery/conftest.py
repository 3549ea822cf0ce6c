"""Fixtures of the scheduler and delivery tests: the Bot API emulator on loopback, a real
aiogram bot talking to it, and builders of queued messages and booked appointments."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot

from db.enums import Actor
from db.models import Appointment, Client, Outbox, Psychologist
from domain.audit import Initiator
from domain.booking import appointments
from domain.timerules import utcnow
from sandbox import BotApiEmulator, run_emulator
from tests.helpers import NOW, make_client, make_psychologist, make_slot

BY_CLIENT = Initiator(Actor.CLIENT, source="bot")
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with run_emulator() as emu:
        yield emu


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    bot = emulator.make_bot()
    try:
        yield bot
    finally:
        await bot.session.close()


_keys = iter(range(1, 10**9))


async def queue_message(chat_id: int, text: str = "hello", **fields: Any) -> Outbox:
    """An Outbox row due now (real clock), as the domain writes them."""
    return await Outbox.create(
        chat_id=chat_id,
        text=text,
        dedup_key=f"test:{next(_keys)}",
        not_before=fields.pop("not_before", utcnow()),
        **fields,
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


def hours(value: float) -> timedelta:
    return timedelta(hours=value)
