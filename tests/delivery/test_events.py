"""Planned events on a controllable clock: each kind fires at its time, only when its
condition holds, never after a cancel, moves with a reschedule, and is dropped (not sent late)
when it became pointless while the service was down."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.keyboards.outbox import outbox_keyboard
from db.enums import (
    Actor,
    AppointmentStatus,
    EventKind,
    EventState,
    ReviewAuthor,
    SlotStatus,
)
from db.models import Manager, Outbox, Review, ScheduledEvent, Slot
from domain.audit import Initiator
from domain.booking import appointments, reviews
from domain.errors import Forbidden
from domain.followup.events import EVENT_LEASE, EventLinks, run_due_events
from domain.timerules import MSK, format_slot
from tests.harness.builders import (
    BY_CLIENT,
    NOW,
    booked,
    hours,
    make_client,
    make_psychologist,
    make_slot,
)

pytestmark = pytest.mark.usefixtures("database")


async def event_messages(chat_id: int) -> list[Outbox]:
    return await Outbox.filter(chat_id=chat_id, kind__startswith="event.").order_by("id")


def callback_data(row: Outbox) -> list[list[str | None]]:
    """The callback data of the buttons the sender sends with the row, row by row."""
    markup = outbox_keyboard(row.reply_markup)
    assert markup is not None
    return [[button.callback_data for button in line] for line in markup.inline_keyboard]


async def event_row(appointment_id: int, kind: EventKind) -> ScheduledEvent:
    return await ScheduledEvent.get(appointment_id=appointment_id, kind=kind)


async def test_confirmation_chain_fires_at_its_times_and_auto_cancels() -> None:
    appointment, client, psychologist = await booked(48)
    starts = appointment.starts_at

    # the new-booking alert goes first (this test has no manager to tell)
    assert await run_due_events(now=NOW) == {"dropped": 1}
    assert await run_due_events(now=starts - hours(24) - timedelta(seconds=1)) == {}
    await run_due_events(now=starts - hours(24))
    [ask] = await event_messages(client.telegram_id)
    assert "Подтвердите, пожалуйста, что придёте" in ask.text
    callbacks = [row[0] for row in callback_data(ask)]
    assert callbacks == [
        f"ap:confirm:{appointment.id}",
        f"ap:reschedule:{appointment.id}",
        f"ap:cancel:{appointment.id}",
    ]

    await run_due_events(now=starts - hours(22))
    await run_due_events(now=starts - hours(21))
    assert len(await event_messages(client.telegram_id)) == 3
    assert (await event_row(appointment.id, EventKind.CONFIRM_REMINDER_21H)).state == (
        EventState.DONE
    )

    await run_due_events(now=starts - hours(20))
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.auto_canceled
    slot = await Slot.get(id=appointment.slot_id)
    assert slot.status == SlotStatus.FREE
    told = await Outbox.filter(kind="appointment.auto_cancelled").values_list("chat_id", flat=True)
    assert sorted(told) == sorted([client.telegram_id, psychologist.telegram_id])
    auto_cancel = await event_row(appointment.id, EventKind.AUTO_CANCEL)
    assert (auto_cancel.state, auto_cancel.outcome) == (EventState.DONE, "auto-cancelled")
    # nothing else of this appointment ever fires
    await run_due_events(now=starts + hours(5))
    assert len(await event_messages(client.telegram_id)) == 3
    assert not await event_messages(psychologist.telegram_id)


async def test_confirmed_session_gets_only_the_session_reminder_and_review() -> None:
    appointment, client, psychologist = await booked(48)
    starts = appointment.starts_at
    await run_due_events(now=starts - hours(24))
    await appointments.confirm(appointment.id, BY_CLIENT, now=starts - hours(23))

    for moment in (hours(22), hours(21), hours(20), hours(2) + timedelta(seconds=1)):
        await run_due_events(now=starts - moment)
    assert len(await event_messages(client.telegram_id)) == 1  # only the ask
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED

    await run_due_events(now=starts - hours(2))
    [_ask, reminder] = await event_messages(client.telegram_id)
    assert "https://meet.example/room-1" in reminder.text
    [for_psychologist] = await event_messages(psychologist.telegram_id)
    assert "https://meet.example/room-1" in for_psychologist.text

    end = starts + timedelta(minutes=appointment.duration_min)
    await run_due_events(now=end + hours(1) - timedelta(seconds=1))
    assert len(await event_messages(client.telegram_id)) == 2
    await run_due_events(now=end + hours(1))
    review_ask = (await event_messages(client.telegram_id))[-1]
    ratings = callback_data(review_ask)[0]
    assert ratings == [f"rv:{appointment.id}:{n}" for n in range(1, 6)]
    assert len(await event_messages(psychologist.telegram_id)) == 2

    saved = await reviews.save_review(
        appointment.id,
        await reviews.author_of(appointment.id, client.telegram_id),
        BY_CLIENT,
        rating=5,
    )
    await reviews.save_review(
        appointment.id, ReviewAuthor.CLIENT, BY_CLIENT, text="Спасибо, было полезно"
    )
    stored = await Review.get(id=saved.id)
    assert (stored.author, stored.rating, stored.text) == (
        ReviewAuthor.CLIENT,
        5,
        "Спасибо, было полезно",
    )
    with pytest.raises(Forbidden):
        await reviews.author_of(appointment.id, 1)


async def test_nothing_fires_after_a_cancel() -> None:
    appointment, client, psychologist = await booked(48)
    await appointments.cancel(appointment.id, BY_CLIENT, now=NOW + hours(1))

    await run_due_events(now=appointment.starts_at + hours(30))

    assert not await event_messages(client.telegram_id)
    assert not await event_messages(psychologist.telegram_id)
    states = set(
        await ScheduledEvent.filter(appointment_id=appointment.id).values_list("state", flat=True)
    )
    assert states == {EventState.CANCELLED}


async def test_reschedule_moves_the_events() -> None:
    appointment, client, psychologist = await booked(48)
    later = await make_slot(psychologist, 72)
    old_start = appointment.starts_at
    await appointments.reschedule(appointment.id, later.id, BY_CLIENT, now=NOW + hours(1))

    await run_due_events(now=old_start - hours(24))
    assert not await event_messages(client.telegram_id)

    await run_due_events(now=later.starts_at - hours(24))
    [ask] = await event_messages(client.telegram_id)
    assert format_slot(later.starts_at, MSK) in ask.text


async def test_a_late_ask_leaves_the_client_time_to_answer() -> None:
    appointment, client, _ = await booked(10)  # asked at once, auto-cancel not before +2h
    await run_due_events(now=NOW)
    assert len(await event_messages(client.telegram_id)) == 1
    cancel_at = (await event_row(appointment.id, EventKind.AUTO_CANCEL)).due_at
    assert cancel_at == NOW + hours(2)

    await run_due_events(now=NOW + hours(2) - timedelta(seconds=1))
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NEW
    await run_due_events(now=NOW + hours(2))
    await appointment.refresh_from_db()
    assert appointment.auto_canceled


async def test_events_due_while_down_are_dropped_not_sent_late() -> None:
    appointment, client, psychologist = await booked(48)
    await appointments.confirm(appointment.id, BY_CLIENT, now=NOW)

    back_up = appointment.starts_at + timedelta(minutes=10)  # the service was down till now
    await run_due_events(now=back_up)

    assert not await event_messages(client.telegram_id)
    assert not await event_messages(psychologist.telegram_id)
    reminder = await event_row(appointment.id, EventKind.SESSION_REMINDER)
    assert reminder.state == EventState.DROPPED
    assert reminder.outcome == "too late: the session has begun"
    assert reminder.finished_at == back_up


async def test_unconfirmed_chain_missed_entirely_does_not_cancel_unasked() -> None:
    appointment, client, _ = await booked(48)
    # down from before T-24h until after T-4h: too late to ask, so no auto-cancel either
    await run_due_events(now=appointment.starts_at - hours(1.5))

    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NEW
    ask = await event_row(appointment.id, EventKind.CONFIRM_REQUEST)
    cancel = await event_row(appointment.id, EventKind.AUTO_CANCEL)
    assert ask.state == cancel.state == EventState.DROPPED
    assert cancel.outcome == "the client was never asked to confirm"
    # the session reminder (T-2h) is still ahead of the session: it goes out
    [reminder] = await event_messages(client.telegram_id)
    assert "meet.example" in reminder.text


async def test_a_rerun_never_doubles_and_a_killed_batch_loses_nothing() -> None:
    psychologist = await make_psychologist()
    booked_ids = []
    for offset in range(30):
        person = await make_client()
        slot = await make_slot(psychologist, 48 + offset / 60)
        appointment = await appointments.book(
            person.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW
        )
        booked_ids.append(appointment.id)
    await run_due_events(now=NOW)  # the new-booking alerts (no manager to tell)
    moment = NOW + hours(24) + timedelta(minutes=30)  # the 30 asks are due, nothing else
    due = await ScheduledEvent.filter(state=EventState.PENDING, due_at__lte=moment).count()
    assert due == 30

    runner = asyncio.create_task(run_due_events(now=moment))
    while not await ScheduledEvent.filter(state__in=[EventState.DONE]).exists():
        await asyncio.sleep(0)
    runner.cancel()
    await asyncio.gather(runner, return_exceptions=True)
    stranded = await ScheduledEvent.filter(state=EventState.RUNNING).count()
    assert stranded > 0  # claimed by the killed runner, not finished

    # a restart before the lease runs out leaves them alone; after it, they are run
    await run_due_events(now=moment + EVENT_LEASE - timedelta(seconds=1))
    assert await ScheduledEvent.filter(state=EventState.RUNNING).count() == stranded
    await run_due_events(now=moment + EVENT_LEASE)
    assert not await ScheduledEvent.filter(state=EventState.RUNNING).exists()
    done = await ScheduledEvent.filter(state=EventState.DONE).count()
    assert done == due
    asks = await Outbox.filter(kind="event.confirm_request").count()
    assert asks == due  # one message per event, none doubled, none lost


async def test_review_not_asked_after_a_no_show() -> None:
    appointment, client, _ = await booked(3)
    end = appointment.starts_at + hours(1)
    await appointments.change_status(
        appointment.id,
        AppointmentStatus.NO_SHOW,
        Initiator(Actor.MANAGER, ref="1"),
        now=end,
    )
    await run_due_events(now=end + hours(1))
    review = await event_row(appointment.id, EventKind.REVIEW_REQUEST)
    assert review.state == EventState.DROPPED
    assert all(
        row.kind != "event.review_request" for row in await event_messages(client.telegram_id)
    )


async def test_a_client_who_blocked_the_bot_is_not_asked_nor_auto_cancelled() -> None:
    appointment, client, _ = await booked(48)
    client.blocked_bot = True
    await client.save()

    await run_due_events(now=appointment.starts_at - hours(20))

    assert not await event_messages(client.telegram_id)
    ask = await event_row(appointment.id, EventKind.CONFIRM_REQUEST)
    assert (ask.state, ask.outcome) == (EventState.DROPPED, "the client has no reachable chat")
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NEW


async def test_managers_and_admins_hear_of_a_new_booking_once_unless_it_was_cancelled() -> None:
    await Manager.create(telegram_id=5_000_001, name="Ольга")
    await Manager.create(telegram_id=5_000_002, name="Бывший", is_active=False)
    links = EventLinks(admin_ids=frozenset({5_000_009}))
    appointment, client, _ = await booked(48, name="Алиса")

    assert await run_due_events(now=NOW, links=links) == {"done": 1}
    assert await run_due_events(now=NOW + hours(1), links=links) == {}  # once
    alerts = await Outbox.filter(kind="manager.new_booking").order_by("chat_id")
    assert [row.chat_id for row in alerts] == [5_000_001, 5_000_009]
    assert all(text.startswith("Новая запись: Алиса") for text in (a.text for a in alerts))
    assert client.telegram_id not in [row.chat_id for row in alerts]

    second, _, _ = await booked(50)
    await appointments.cancel(second.id, BY_CLIENT, now=NOW)
    assert await run_due_events(now=NOW, links=links) == {}  # cancelled with the booking
    assert await Outbox.filter(kind="manager.new_booking").count() == 2
