"""The booking core against a real database: holds, bookings, cancels, reschedules, statuses."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise.exceptions import IntegrityError

from db.enums import Actor, AppointmentStatus, EventKind, EventState, SlotStatus
from db.models import Appointment, AuditLog, Outbox, ScheduledEvent, Slot
from domain.audit import Initiator
from domain.booking import appointments, client_booking
from domain.booking.planning import PLANNED
from domain.changes import AppointmentChange
from domain.errors import (
    Conflict,
    DomainError,
    HoldRequired,
    IllegalTransition,
    InvalidInput,
    NotFound,
    SessionBegun,
    SlotBooked,
    SlotHeld,
    SlotInPast,
)
from services import Signals
from tests.harness.builders import NOW, hours, make_client, make_psychologist, make_slot
from webapp.errors import refusal_body

pytestmark = pytest.mark.usefixtures("database")

BY_CLIENT = Initiator(Actor.CLIENT, source="bot")
BY_MANAGER = Initiator(Actor.MANAGER, ref="42", source="board")


async def _events(appointment_id: int) -> dict[EventKind, tuple[EventState, object]]:
    """The appointment's planned events (the new-booking alert aside)."""
    rows = await ScheduledEvent.filter(appointment_id=appointment_id, kind__in=list(PLANNED))
    return {row.kind: (row.state, row.due_at) for row in rows}


async def test_hold_is_five_minutes_and_blocks_others() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    alice, bob = await make_client(), await make_client()

    hold = await appointments.hold_slot(alice.id, slot.id, now=NOW)

    assert hold.held_until == NOW + timedelta(minutes=5)
    await slot.refresh_from_db()
    assert (slot.status, slot.held_by_id) == (SlotStatus.HELD, alice.id)
    with pytest.raises(SlotHeld) as refused:
        await appointments.hold_slot(bob.id, slot.id, now=NOW + timedelta(minutes=4))
    assert refusal_body(refused.value)["held_until"] == hold.held_until.isoformat()


async def test_expired_hold_frees_itself_without_a_job() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    alice, bob = await make_client(), await make_client()
    await appointments.hold_slot(alice.id, slot.id, now=NOW)

    later = NOW + timedelta(minutes=5, seconds=1)
    hold = await appointments.hold_slot(bob.id, slot.id, now=later)

    assert hold.slot_id == slot.id
    with pytest.raises(SlotHeld):
        await appointments.book(alice.id, slot.id, BY_CLIENT, now=later)


async def test_one_hold_per_client_moves_the_hold() -> None:
    psychologist = await make_psychologist()
    first, second = await make_slot(psychologist, 48), await make_slot(psychologist, 50)
    alice = await make_client()

    await appointments.hold_slot(alice.id, first.id, now=NOW)
    await appointments.hold_slot(alice.id, second.id, now=NOW)

    await first.refresh_from_db()
    await second.refresh_from_db()
    assert (first.status, first.held_by_id) == (SlotStatus.FREE, None)
    assert (second.status, second.held_by_id) == (SlotStatus.HELD, alice.id)


async def test_holding_a_past_or_booked_slot_is_refused() -> None:
    psychologist = await make_psychologist()
    past = await make_slot(psychologist, -1)
    alice, bob = await make_client(), await make_client()
    with pytest.raises(SlotInPast):
        await appointments.hold_slot(alice.id, past.id, now=NOW)
    slot = await make_slot(psychologist)
    await appointments.book(bob.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW)
    with pytest.raises(SlotBooked):
        await appointments.hold_slot(alice.id, slot.id, now=NOW)
    with pytest.raises(NotFound):
        await appointments.hold_slot(alice.id, 999_999, now=NOW)


async def test_booking_needs_the_clients_own_live_hold() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    alice, bob = await make_client(), await make_client()

    with pytest.raises(HoldRequired):
        await appointments.book(alice.id, slot.id, BY_CLIENT, now=NOW)
    await appointments.hold_slot(bob.id, slot.id, now=NOW)
    with pytest.raises(SlotHeld):
        await appointments.book(alice.id, slot.id, BY_CLIENT, now=NOW)
    assert await Appointment.all().count() == 0


async def test_book_consumes_the_hold_and_plans_the_chain() -> None:
    psychologist = await make_psychologist(name="Анна Иванова")
    slot = await make_slot(psychologist, 48)
    alice = await make_client(name="Алиса")
    await appointments.hold_slot(alice.id, slot.id, now=NOW)

    appointment = await appointments.book(alice.id, slot.id, BY_CLIENT, now=NOW)

    assert appointment.status == AppointmentStatus.NEW
    assert appointment.confirmed is False
    assert appointment.created_by == Actor.CLIENT
    await slot.refresh_from_db()
    assert (slot.status, slot.held_by_id, slot.held_until) == (SlotStatus.BOOKED, None, None)
    starts = slot.starts_at
    assert await _events(appointment.id) == {
        EventKind.CONFIRM_REQUEST: (EventState.PENDING, starts - timedelta(hours=24)),
        EventKind.CONFIRM_REMINDER_22H: (EventState.PENDING, starts - timedelta(hours=22)),
        EventKind.CONFIRM_REMINDER_21H: (EventState.PENDING, starts - timedelta(hours=21)),
        EventKind.AUTO_CANCEL: (EventState.PENDING, starts - timedelta(hours=20)),
        EventKind.SESSION_REMINDER: (EventState.PENDING, starts - timedelta(hours=2)),
        EventKind.REVIEW_REQUEST: (EventState.PENDING, starts + timedelta(hours=2)),
    }
    alert = await ScheduledEvent.get(appointment_id=appointment.id, kind=EventKind.MANAGER_ALERT)
    assert (alert.state, alert.due_at) == (EventState.PENDING, NOW)  # the managers, at once
    # The client booked it: only the psychologist is told, in Russian, in MSK.
    messages = await Outbox.all()
    assert [m.chat_id for m in messages] == [psychologist.telegram_id]
    assert messages[0].text == "Новая запись: Алиса, 26.11 12:00 (МСК)."
    audit = await AuditLog.get(entity="appointment", entity_id=appointment.id)
    assert (audit.action, audit.actor) == ("appointment.created", Actor.CLIENT)


async def test_booking_within_four_hours_counts_as_confirmed() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist, 3)
    alice = await make_client()

    appointment = await appointments.book(
        alice.id, slot.id, BY_MANAGER, require_own_hold=False, now=NOW
    )

    assert (appointment.status, appointment.confirmed) == (AppointmentStatus.CONFIRMED, True)
    assert set(await _events(appointment.id)) == {
        EventKind.SESSION_REMINDER,
        EventKind.REVIEW_REQUEST,
    }
    # A manager booked it: the client and the psychologist are both told.
    assert {m.chat_id for m in await Outbox.all()} == {alice.telegram_id, psychologist.telegram_id}


async def test_every_change_is_announced_after_commit(signals: Signals) -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    alice = await make_client()
    heard: list[AppointmentChange] = []

    async def listen(change: AppointmentChange) -> None:
        # the change is committed by the time listeners hear of it
        assert await Appointment.filter(id=change.appointment_id).exists()
        heard.append(change)

    unsubscribe = signals.changes.subscribe(listen)
    try:
        appointment = await appointments.book(
            alice.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW
        )
        await appointments.cancel(appointment.id, BY_MANAGER, reason="болезнь", now=NOW)
    finally:
        unsubscribe()
    assert heard == [
        AppointmentChange("appointment.created", appointment.id),
        AppointmentChange("appointment.updated", appointment.id),
    ]


async def test_cancel_frees_the_slot_and_calls_off_events() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    alice, bob = await make_client(), await make_client()
    appointment = await appointments.book(
        alice.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW
    )

    await appointments.cancel(appointment.id, BY_CLIENT, reason="не смогу", now=NOW)

    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.active_slot_id is None
    assert appointment.cancel_reason == "не смогу"
    assert {state for state, _ in (await _events(appointment.id)).values()} == {
        EventState.CANCELLED
    }
    again = await appointments.book(bob.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW)
    assert again.slot_id == slot.id
    with pytest.raises(IllegalTransition) as refused:
        await appointments.cancel(appointment.id, BY_CLIENT, now=NOW)
    assert refused.value.details["allowed"] == []


async def test_a_clients_cancel_is_late_up_to_and_at_the_late_cancel_mark() -> None:
    psychologist = await make_psychologist()
    alice = await make_client()
    booked = [
        await appointments.book(
            alice.id, (await make_slot(psychologist, h)).id, BY_CLIENT, require_own_hold=False,
            now=NOW,
        )
        for h in (48, 72, 96)
    ]  # fmt: skip
    at_mark, just_outside, by_manager = booked

    for appointment, before in (
        (at_mark, hours(24)),
        (just_outside, hours(24) + timedelta(seconds=1)),
    ):
        await client_booking.cancel_own(
            alice.id,
            appointment.id,
            BY_CLIENT,
            reason="",
            late_cancel_hours=24,
            now=appointment.starts_at - before,
        )
    await appointments.change_status(
        by_manager.id, AppointmentStatus.CANCELLED, BY_MANAGER, now=by_manager.starts_at
    )

    stored = {a.id: a for a in await Appointment.filter(id__in=[a.id for a in booked])}
    assert [stored[a.id].late_cancel for a in booked] == [True, False, False]
    assert stored[at_mark.id].cancelled_at == at_mark.starts_at - hours(24)
    assert stored[by_manager.id].cancelled_at == by_manager.starts_at
    with pytest.raises(SessionBegun) as refused:
        appointments.late_cancel(at_mark.starts_at, 24, at_mark.starts_at)
    assert refused.value.field == "starts_at"


async def test_reschedule_moves_slot_and_events_atomically() -> None:
    psychologist = await make_psychologist()
    old, new, taken = [await make_slot(psychologist, h) for h in (48, 72, 96)]
    alice, bob = await make_client(), await make_client()
    appointment = await appointments.book(
        alice.id, old.id, BY_CLIENT, require_own_hold=False, now=NOW
    )
    await appointments.book(bob.id, taken.id, BY_CLIENT, require_own_hold=False, now=NOW)

    with pytest.raises(SlotBooked):
        await appointments.reschedule(appointment.id, taken.id, BY_MANAGER, now=NOW)
    moved = await appointments.reschedule(appointment.id, new.id, BY_MANAGER, now=NOW)

    assert (moved.slot_id, moved.starts_at) == (new.id, new.starts_at)
    await old.refresh_from_db()
    await new.refresh_from_db()
    assert (old.status, new.status) == (SlotStatus.FREE, SlotStatus.BOOKED)
    events = await _events(appointment.id)
    assert events[EventKind.CONFIRM_REQUEST] == (
        EventState.PENDING,
        new.starts_at - timedelta(hours=24),
    )
    texts = [m.text for m in await Outbox.filter(kind="appointment.moved")]
    assert any("с 26.11 12:00 (МСК) на 27.11 12:00 (МСК)" in text for text in texts)


async def test_reschedule_of_a_cancelled_appointment_is_refused() -> None:
    psychologist = await make_psychologist()
    slot, other = await make_slot(psychologist, 48), await make_slot(psychologist, 72)
    alice = await make_client()
    appointment = await appointments.book(
        alice.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW
    )
    await appointments.cancel(appointment.id, BY_CLIENT, now=NOW)
    with pytest.raises(Conflict):
        await appointments.reschedule(appointment.id, other.id, BY_CLIENT, now=NOW)
    await other.refresh_from_db()
    assert other.status == SlotStatus.FREE


async def test_status_table_names_the_allowed_targets() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    alice = await make_client()
    appointment = await appointments.book(
        alice.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW
    )

    with pytest.raises(Conflict, match="has not begun"):
        await appointments.change_status(
            appointment.id, AppointmentStatus.COMPLETED, BY_MANAGER, now=NOW
        )
    confirmed = await appointments.change_status(
        appointment.id, AppointmentStatus.CONFIRMED, BY_MANAGER, now=NOW
    )
    assert confirmed.confirmed is True
    chain = await _events(appointment.id)
    assert chain[EventKind.AUTO_CANCEL][0] == EventState.CANCELLED
    assert chain[EventKind.SESSION_REMINDER][0] == EventState.PENDING

    after = slot.starts_at + timedelta(minutes=70)
    await appointments.change_status(
        appointment.id, AppointmentStatus.COMPLETED, BY_MANAGER, now=after
    )
    with pytest.raises(IllegalTransition) as refused:
        await appointments.change_status(
            appointment.id, AppointmentStatus.NEW, BY_MANAGER, now=after
        )
    assert refused.value.details["allowed"] == ["no_show"]
    assert refusal_body(refused.value)["field"] == "status"


async def test_fifty_concurrent_bookings_of_one_slot_make_one_appointment() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    clients = [await make_client() for _ in range(50)]

    results = await asyncio.gather(
        *(
            appointments.book(c.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW)
            for c in clients
        ),
        return_exceptions=True,
    )

    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(booked), len(refused)) == (1, 49)
    assert all(isinstance(r, SlotBooked) for r in refused)
    assert await Appointment.filter(active_slot_id=slot.id).count() == 1


async def test_fifty_concurrent_holds_of_one_slot_make_one_hold() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    clients = [await make_client() for _ in range(50)]

    results = await asyncio.gather(
        *(appointments.hold_slot(c.id, slot.id, now=NOW) for c in clients), return_exceptions=True
    )

    holds = [r for r in results if isinstance(r, appointments.Hold)]
    refused = [r for r in results if isinstance(r, SlotHeld)]
    assert (len(holds), len(refused)) == (1, 49)
    winner = await Slot.get(id=slot.id)
    assert winner.status == SlotStatus.HELD
    assert winner.held_by_id in {c.id for c in clients}


async def test_database_refuses_two_active_appointments_for_one_slot() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist)
    alice, bob = await make_client(), await make_client()
    fields = {"slot": slot, "active_slot": slot, "psychologist": psychologist}
    await Appointment.create(client=alice, starts_at=slot.starts_at, **fields)
    with pytest.raises(IntegrityError):
        await Appointment.create(client=bob, starts_at=slot.starts_at, **fields)


async def test_database_refuses_duplicate_client_phone_and_telegram_id() -> None:
    await make_client(phone="+79161234567", telegram_id=1)
    with pytest.raises(IntegrityError):
        await make_client(phone="+79161234567", telegram_id=2)
    with pytest.raises(IntegrityError):
        await make_client(phone="+79160000000", telegram_id=1)


async def test_a_booking_takes_only_an_http_meeting_link() -> None:
    client = await make_client()
    slot = await make_slot(await make_psychologist(), hours_ahead=48)
    for link in (
        "javascript:alert(1)",
        "data:text/html,x",
        "vbscript:msgbox(1)",
        "ftp://x.example",
    ):
        with pytest.raises(InvalidInput) as refused:
            await appointments.book(
                client.id, slot.id, BY_MANAGER, require_own_hold=False, meeting_link=link, now=NOW
            )
        assert refused.value.field == "meeting_link"
    assert await Appointment.all().count() == 0
    assert (await Slot.get(id=slot.id)).status == SlotStatus.FREE

    appointment = await appointments.book(
        client.id,
        slot.id,
        BY_MANAGER,
        require_own_hold=False,
        meeting_link="https://meet.example/room-1",
        now=NOW,
    )
    assert appointment.meeting_link == "https://meet.example/room-1"
