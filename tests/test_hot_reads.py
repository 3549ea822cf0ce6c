"""The hottest reads (slots a client can take, the board's cards, the weekly texts) are plain
SQL, the same on both databases: on each database the suite runs on, they keep what they must,
leave out what they must, and read each value as the ORM reads it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from db.enums import Actor, AppointmentStatus, SlotStatus
from db.models import Appointment, Branch, Psychologist, Series, Service, Slot
from db.plain_sql import instant
from domain.booking import board
from domain.booking.availability import TakeableSlot, available_slots
from domain.booking.board import (
    AppointmentCard,
    CardClient,
    CardPsychologist,
    CardSeries,
    CardService,
)
from domain.errors import NotFound
from domain.schedule.schedule_text import SlotMark, weekly_schedule_texts
from domain.schedule.schedules import weekly_texts_until
from domain.timerules import MSK
from tests.harness.builders import NOW, make_client, make_psychologist

pytestmark = pytest.mark.usefixtures("database")

TOMORROW = NOW.astimezone(MSK).date() + timedelta(days=1)


def msk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), MSK)


async def make_slot(psychologist: Psychologist, starts_at: datetime, **fields: object) -> Slot:
    return await Slot.create(psychologist=psychologist, starts_at=starts_at, **fields)


async def test_takeable_slots_leave_out_what_nobody_else_may_take() -> None:
    anna = await make_psychologist("Анна")
    gone = await make_psychologist("Глеб", is_active=False)
    me, other = await make_client(), await make_client()
    soon = NOW + timedelta(minutes=3)
    free = await make_slot(anna, starts_at=msk(TOMORROW, 10))
    mine = await make_slot(
        anna, starts_at=msk(TOMORROW, 12), status=SlotStatus.HELD, held_by=me, held_until=soon
    )
    await make_slot(
        anna, starts_at=msk(TOMORROW, 14), status=SlotStatus.HELD, held_by=other, held_until=soon
    )
    ran_out = await make_slot(
        anna, starts_at=msk(TOMORROW, 16), status=SlotStatus.HELD, held_until=NOW
    )
    await make_slot(anna, starts_at=msk(TOMORROW, 18), status=SlotStatus.BOOKED)
    late = await make_slot(anna, starts_at=msk(TOMORROW, 23, 30), duration_min=90)
    await make_slot(anna, starts_at=msk(TOMORROW + timedelta(days=1), 0))  # the next MSK day
    await make_slot(anna, starts_at=NOW - timedelta(minutes=30))  # begun
    await make_slot(anna, starts_at=NOW)  # begins now
    await make_slot(gone, starts_at=msk(TOMORROW, 10))

    async def ids(first: date = TOMORROW, **filters: int) -> list[int]:
        return [slot.id for slot in await available_slots(first, TOMORROW, now=NOW, **filters)]

    takeable = [free.id, ran_out.id, late.id]
    assert await ids() == takeable
    assert await ids(NOW.date()) == takeable
    assert await ids(holder_telegram_id=me.telegram_id) == [free.id, mine.id, ran_out.id, late.id]
    assert await ids(holder_telegram_id=999_999_999) == takeable
    assert await ids(psychologist_id=gone.id) == []
    long = await Service.create(name="Долгая", duration_min=90)
    retired = await Service.create(name="Старая", duration_min=30, is_active=False)
    assert await ids(service_id=long.id) == [late.id]
    assert await ids(service_id=retired.id) == []
    first, *_ = await available_slots(TOMORROW, TOMORROW, now=NOW)
    assert first == TakeableSlot(free.id, anna.id, "Анна", free.starts_at, 60)
    assert first.starts_at.utcoffset() == timedelta(0)


async def test_board_cards_read_what_the_orm_reads() -> None:
    anna = await make_psychologist("Анна")
    vera = await make_client(
        name="Вера", phone="+79990000001", blocked_bot=True, timezone="Europe/Berlin"
    )
    branch = await Branch.create(name="Онлайн")
    service = await Service.create(name="Сессия", price=3000, duration_min=50, branch=branch)
    booked = await Appointment.create(
        client=vera,
        psychologist=anna,
        service=service,
        starts_at=msk(TOMORROW, 10),
        duration_min=50,
        confirmed=True,
        created_by=Actor.MANAGER,
        price=3000,
        meeting_link="https://meet.example/1",
    )
    weekly = await Series.create(client=vera, psychologist=anna, weeks=3)
    cancelled = await Appointment.create(
        client=vera,
        psychologist=anna,
        starts_at=msk(TOMORROW, 12),
        status=AppointmentStatus.CANCELLED,
        cancelled_at=NOW,
        late_cancel=True,
        series=weekly,
    )
    await Appointment.create(
        client=vera,
        psychologist=anna,
        starts_at=msk(TOMORROW, 9) - timedelta(days=3),
        series=weekly,
    )

    columns = await board.board(TOMORROW, TOMORROW)
    stored = await Appointment.get(id=booked.id)
    card = AppointmentCard(
        id=booked.id,
        status=AppointmentStatus.NEW,
        starts_at=stored.starts_at,
        duration_min=50,
        client=CardClient(
            vera.id, "Вера", "+79990000001", vera.telegram_id, True, "Europe/Berlin"
        ),
        psychologist=CardPsychologist(anna.id, "Анна"),
        service=CardService(service.id, "Сессия", 3000, 50),
        meeting_link="https://meet.example/1",
        confirmed=True,
        created_by=Actor.MANAGER,
        price=3000,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        cancelled_at=None,
        late_cancel=False,
        series=None,
    )
    assert columns[AppointmentStatus.NEW] == [card]
    assert [c.id for c in columns[AppointmentStatus.CANCELLED]] == [cancelled.id]
    assert columns[AppointmentStatus.CANCELLED][0].service is None
    assert columns[AppointmentStatus.CANCELLED][0].client.unreachable is True
    assert columns[AppointmentStatus.CANCELLED][0].cancelled_at == NOW
    assert columns[AppointmentStatus.CANCELLED][0].late_cancel is True
    # the second of the series' two sessions by time
    assert columns[AppointmentStatus.CANCELLED][0].series == CardSeries(weekly.id, 2, 2)
    assert card.allowed_statuses == (
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NO_SHOW,
    )
    assert await board.load(booked.id) == card
    by_branch = await board.board(TOMORROW, TOMORROW, branch_id=branch.id)
    assert sum(by_branch.values(), []) == [card]
    other = await make_psychologist()
    assert (
        sum((await board.board(TOMORROW, TOMORROW, psychologist_id=other.id)).values(), []) == []
    )
    latest_first = [c.id for c in await board.client_appointments(vera.id)]
    assert latest_first[:2] == [cancelled.id, booked.id] and len(latest_first) == 3
    with pytest.raises(NotFound):
        await board.load(cancelled.id + 100)


async def test_weekly_texts_read_booked_and_free_slots_of_active_names_only() -> None:
    anna = await make_psychologist("Анна")
    await make_slot(anna, starts_at=msk(TOMORROW, 10))
    await make_slot(anna, starts_at=msk(TOMORROW, 12), status=SlotStatus.BOOKED)
    await make_slot(anna, starts_at=NOW - timedelta(hours=1))

    texts, changes_at = await weekly_texts_until(" Анна ", MSK, now=NOW)
    marks = [SlotMark(s.starts_at, s.status == SlotStatus.BOOKED) for s in await Slot.all()]
    assert texts == weekly_schedule_texts(marks, NOW, MSK)
    assert changes_at == msk(TOMORROW, 0)  # a new day begins before the first slot
    await Psychologist.filter(id=anna.id).update(is_active=False)
    with pytest.raises(NotFound):
        await weekly_texts_until("Анна", MSK, now=NOW)


def test_an_instant_stored_as_text_reads_in_utc() -> None:
    assert instant("2026-11-24 12:00:00+03:00") == NOW
    assert instant("2026-11-24 12:00:00.000001+03:00").utcoffset() == timedelta(0)
    assert instant(NOW) is NOW
    assert instant("2026-11-24 09:00:00+00:00").tzinfo is UTC
