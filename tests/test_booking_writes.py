"""The booking's writes, a statement a step (plain SQL, the same on SQLite and PostgreSQL):
what a hold and a booking leave in the database, and that a refusal leaves nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from db.enums import Actor, EventKind, OutboxState, SlotStatus
from db.models import Appointment, AuditLog, Outbox, ScheduledEvent, Service, Slot
from domain.audit import Initiator
from domain.booking import appointments, board
from domain.errors import Conflict, NotFound, SlotBooked
from domain.messaging.outbox import enqueue
from tests.harness.builders import NOW, make_client, make_psychologist, make_slot

pytestmark = pytest.mark.usefixtures("database")

BY_CLIENT = Initiator(Actor.CLIENT, ref="7", source="bot")
BY_MANAGER = Initiator(Actor.MANAGER, ref="42", source="board")


async def _held_by(client_id: int) -> list[int]:
    return await Slot.filter(held_by_id=client_id, status=SlotStatus.HELD).values_list(
        "id", flat=True
    )


async def test_holding_again_renews_and_a_refused_hold_keeps_the_one_held() -> None:
    psychologist = await make_psychologist()
    held, other = await make_slot(psychologist, 48), await make_slot(psychologist, 50)
    alice, bob = await make_client(), await make_client()
    await appointments.hold_slot(alice.id, held.id, now=NOW)

    renewed = await appointments.hold_slot(alice.id, held.id, now=NOW + timedelta(minutes=3))
    await appointments.book(bob.id, other.id, BY_CLIENT, require_own_hold=False, now=NOW)
    with pytest.raises(SlotBooked):
        await appointments.hold_slot(alice.id, other.id, now=NOW + timedelta(minutes=4))

    assert renewed.held_until == NOW + timedelta(minutes=8)
    assert await _held_by(alice.id) == [held.id]
    await held.refresh_from_db()
    assert held.held_until == renewed.held_until


async def test_one_client_holding_two_slots_at_once_ends_with_one_hold() -> None:
    psychologist = await make_psychologist()
    first, second = await make_slot(psychologist, 48), await make_slot(psychologist, 50)
    alice = await make_client()

    outcomes = await asyncio.gather(
        appointments.hold_slot(alice.id, first.id, now=NOW),
        appointments.hold_slot(alice.id, second.id, now=NOW),
        return_exceptions=True,
    )

    assert all(not isinstance(o, BaseException) or isinstance(o, Conflict) for o in outcomes)
    assert len(await _held_by(alice.id)) == 1


async def test_the_booking_answers_the_card_the_board_reads_back() -> None:
    psychologist = await make_psychologist(name="Анна Иванова", min_price=2500)
    slot = await make_slot(psychologist, 48)
    alice = await make_client(name="Алиса", phone="+79990001122")
    service = await Service.create(name="Первая встреча", price=3000, duration_min=50)

    booking = await appointments.book_with_card(
        alice.id, slot.id, BY_MANAGER, service_id=service.id, require_own_hold=False, now=NOW
    )

    assert booking.card == await board.load(booking.appointment.id)
    assert (booking.card.price, booking.card.service.name) == (3000, "Первая встреча")
    stored = await Appointment.get(id=booking.appointment.id)
    assert (stored.status, stored.starts_at, stored.created_at) == (
        booking.appointment.status,
        booking.appointment.starts_at,
        booking.appointment.created_at,
    )


async def test_a_managers_booking_writes_its_events_messages_and_audit_row() -> None:
    psychologist = await make_psychologist(name="Анна Иванова")
    slot = await make_slot(psychologist, 48)
    alice = await make_client(name="Алиса")

    appointment = await appointments.book(
        alice.id, slot.id, BY_MANAGER, require_own_hold=False, now=NOW
    )

    kinds = await ScheduledEvent.filter(appointment_id=appointment.id).values_list(
        "kind", flat=True
    )
    assert EventKind.MANAGER_ALERT in kinds and len(kinds) == 7
    messages = await Outbox.filter(kind="appointment.booked").order_by("chat_id")
    assert {(m.chat_id, m.client_id, m.psychologist_id) for m in messages} == {
        (alice.telegram_id, alice.id, None),
        (psychologist.telegram_id, None, psychologist.id),
    }
    assert {m.state for m in messages} == {OutboxState.PENDING}
    assert len({m.dedup_key for m in messages}) == 2
    audit = await AuditLog.get(entity="appointment", entity_id=appointment.id)
    assert (audit.actor, audit.actor_ref, audit.source) == (Actor.MANAGER, "42", "board")
    assert audit.data == {"slot_id": slot.id}


async def test_a_booking_refused_after_its_slot_was_taken_leaves_nothing() -> None:
    psychologist = await make_psychologist()
    slot = await make_slot(psychologist, 48)
    alice = await make_client()
    retired = await Service.create(name="Старая услуга", is_active=False)

    with pytest.raises(NotFound) as refused:
        await appointments.book(
            alice.id, slot.id, BY_MANAGER, service_id=retired.id, require_own_hold=False, now=NOW
        )

    assert refused.value.field == "service_id"
    await slot.refresh_from_db()
    assert slot.status == SlotStatus.FREE
    assert await Appointment.all().count() == 0
    assert await ScheduledEvent.all().count() == 0
    assert await Outbox.all().count() == 0
    assert await AuditLog.all().count() == 0


async def test_a_message_queued_twice_under_one_key_is_written_once() -> None:
    first = await enqueue(chat_id=77, text="one", kind="test", dedup_key="k:1", now=NOW)
    again = await enqueue(chat_id=77, text="two", kind="test", dedup_key="k:1", now=NOW)
    nobody = await enqueue(chat_id=None, text="three", kind="test", dedup_key="k:2", now=NOW)

    assert (first, again, nobody) == (True, True, False)
    assert await Outbox.all().values_list("text", flat=True) == ["one"]
