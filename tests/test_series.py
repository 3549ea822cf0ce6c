"""Weekly series against a real database on the test clock: the weeks booked and skipped, the
limit counting a series once, each session's own confirmation chain, the rest cancelled from a
day on, the local time kept across a change of the clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db.enums import Actor, AppointmentStatus, EventKind, EventState, SlotStatus
from db.models import Appointment, ScheduledEvent, Series, Slot
from domain.audit import Initiator
from domain.booking import appointments, series
from domain.errors import BookingLimitReached, HoldRequired, InvalidInput, NotFound
from domain.timerules import client_zone
from tests.harness.builders import NOW, make_client, make_psychologist, make_slot

pytestmark = pytest.mark.usefixtures("database")

BY_CLIENT = Initiator(Actor.CLIENT, source="bot")
BY_MANAGER = Initiator(Actor.MANAGER, ref="42", source="board")
WEEK = timedelta(days=7)


async def _weekly(psychologist: object, weeks: int, *, missing: int | None = None) -> list[Slot]:
    """Slots at 48h after NOW and each week after, but for week `missing`."""
    return [
        await make_slot(psychologist, 48 + 24 * 7 * week)  # type: ignore[arg-type]
        for week in range(weeks)
        if week != missing
    ]


async def test_a_series_of_six_with_a_week_missing_books_five_and_names_the_gap() -> None:
    psychologist = await make_psychologist()
    slots = await _weekly(psychologist, 6, missing=3)
    client = await make_client()
    await appointments.hold_slot(client.id, slots[0].id, now=NOW)

    made = await series.book_series(client.id, slots[0].id, 6, BY_CLIENT, now=NOW)

    assert len(made.appointment_ids) == 5
    gap = (NOW + timedelta(hours=48) + 3 * WEEK).astimezone(client_zone("Europe/Moscow"))
    assert made.skipped == (gap.date(),)
    rows = await Appointment.filter(id__in=made.appointment_ids).order_by("starts_at")
    assert [a.slot_id for a in rows] == [s.id for s in slots]
    assert {a.series_id for a in rows} == {made.series_id}
    assert (await Series.get(id=made.series_id)).weeks == 6
    assert all(
        s.status == SlotStatus.BOOKED for s in await Slot.filter(id__in=[s.id for s in slots])
    )
    # each session has its own confirmation chain, planned from its own time
    for appointment in rows:
        ask = await ScheduledEvent.get(
            appointment_id=appointment.id, kind=EventKind.CONFIRM_REQUEST
        )
        assert (ask.state, ask.due_at) == (
            EventState.PENDING,
            appointment.starts_at - timedelta(hours=24),
        )


async def test_the_chosen_time_must_be_held_or_nothing_is_booked() -> None:
    psychologist = await make_psychologist()
    slots = await _weekly(psychologist, 3)
    client = await make_client()

    with pytest.raises(HoldRequired):
        await series.book_series(client.id, slots[0].id, 3, BY_CLIENT, now=NOW)

    assert await Appointment.all().count() == 0
    assert await Series.all().count() == 0
    with pytest.raises(InvalidInput) as refused:
        await series.book_series(client.id, slots[0].id, 13, BY_CLIENT, now=NOW)
    assert refused.value.field == "weeks"


async def test_a_series_counts_once_against_the_limit() -> None:
    psychologist = await make_psychologist()
    slots = await _weekly(psychologist, 4)
    single, another = await make_slot(psychologist, 50), await make_slot(psychologist, 52)
    client = await make_client()

    await series.book_series(
        client.id, slots[0].id, 4, BY_CLIENT, require_own_hold=False, max_active=2, now=NOW
    )
    await appointments.book(
        client.id, single.id, BY_CLIENT, require_own_hold=False, max_active=2, now=NOW
    )

    with pytest.raises(BookingLimitReached):
        await appointments.book(
            client.id, another.id, BY_CLIENT, require_own_hold=False, max_active=2, now=NOW
        )
    assert await Appointment.filter(client_id=client.id).count() == 5


async def test_cancelling_from_a_day_cancels_only_the_rest() -> None:
    psychologist = await make_psychologist()
    slots = await _weekly(psychologist, 4)
    client, stranger = await make_client(), await make_client()
    made = await series.book_series(
        client.id, slots[0].id, 4, BY_CLIENT, require_own_hold=False, now=NOW
    )
    third_day = (slots[2].starts_at).astimezone(client_zone("Europe/Moscow")).date()

    with pytest.raises(NotFound):
        await series.cancel_series(made.series_id, None, BY_CLIENT, client_id=stranger.id, now=NOW)
    done = await series.cancel_series(
        made.series_id, third_day, BY_CLIENT, client_id=client.id, late_cancel_hours=24, now=NOW
    )

    assert done.cancelled == made.appointment_ids[2:]
    statuses = [
        a.status for a in await Appointment.filter(series_id=made.series_id).order_by("starts_at")
    ]
    assert statuses == [AppointmentStatus.NEW] * 2 + [AppointmentStatus.CANCELLED] * 2
    assert (await Slot.get(id=slots[3].id)).status == SlotStatus.FREE
    # staff cancel the rest of any series; nothing is left to cancel twice
    rest = await series.cancel_series(made.series_id, None, BY_MANAGER, now=NOW)
    assert rest.cancelled == made.appointment_ids[:2]
    assert (await series.cancel_series(made.series_id, None, BY_MANAGER, now=NOW)).cancelled == ()


async def test_one_session_moves_alone_and_stays_in_its_series() -> None:
    psychologist = await make_psychologist()
    slots = await _weekly(psychologist, 2)
    elsewhere = await make_slot(psychologist, 60)
    client = await make_client()
    made = await series.book_series(
        client.id, slots[0].id, 2, BY_CLIENT, require_own_hold=False, now=NOW
    )

    await appointments.reschedule(made.appointment_ids[0], elsewhere.id, BY_CLIENT, now=NOW)

    moved = await Appointment.get(id=made.appointment_ids[0])
    assert (moved.slot_id, moved.series_id) == (elsewhere.id, made.series_id)


async def test_across_the_change_of_the_clocks_the_local_time_stays() -> None:
    # Berlin leaves summer time on Sunday 2027-10-31: 10:00 local is 08:00 UTC before, 09:00 after.
    now = datetime(2027, 10, 18, 9, 0, tzinfo=UTC)
    psychologist = await make_psychologist(timezone="Europe/Berlin")
    before = datetime(2027, 10, 20, 8, 0, tzinfo=UTC)  # Wednesday 10:00 CEST
    times = [before, before + WEEK, before + 2 * WEEK + timedelta(hours=1)]
    wrong = await Slot.create(psychologist=psychologist, starts_at=before + 2 * WEEK)
    slots = [await Slot.create(psychologist=psychologist, starts_at=t) for t in times]
    client = await make_client()

    made = await series.book_series(
        client.id, slots[0].id, 4, BY_CLIENT, require_own_hold=False, now=now
    )

    rows = await Appointment.filter(id__in=made.appointment_ids).order_by("starts_at")
    assert [a.slot_id for a in rows] == [s.id for s in slots]
    assert (await Slot.get(id=wrong.id)).status == SlotStatus.FREE
    assert made.skipped == (date(2027, 11, 10),)


async def test_a_week_held_by_another_client_is_skipped_and_stays_theirs() -> None:
    psychologist = await make_psychologist()
    slots = await _weekly(psychologist, 3)
    client, other = await make_client(), await make_client()
    await appointments.hold_slot(other.id, slots[1].id, now=NOW)

    made = await series.book_series(
        client.id, slots[0].id, 3, BY_CLIENT, require_own_hold=False, now=NOW
    )

    assert len(made.appointment_ids) == 2
    assert made.skipped == (slots[1].starts_at.astimezone(client_zone("Europe/Moscow")).date(),)
    held = await Slot.get(id=slots[1].id)
    assert (held.status, held.held_by_id) == (SlotStatus.HELD, other.id)
