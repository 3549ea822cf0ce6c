"""Booking end to end: requests, preferences, cards, a week of times, the hold, the booking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from db.enums import Actor, AppointmentStatus, SlotStatus
from db.models import Appointment, Manager, Outbox, Slot, Ticket
from domain.audit import Initiator
from domain.booking import appointments
from domain.changes import AppointmentChange
from domain.followup.events import run_due_events
from domain.timerules import utcnow
from services import Services
from tests.harness.bot_users import Person, free_times_of, register
from tests.harness.builders import make_bookable_psychologist


async def test_a_full_booking(person: Callable[..., Person], services: Services) -> None:
    maria = await make_bookable_psychologist(
        "Maria Ivanova", queries=["anxiety", "burnout"], min_price=3000
    )
    await make_bookable_psychologist("Oleg Petrov", queries=["family"], min_price=9000)
    manager = await Manager.create(telegram_id=777_000_001, name="Olga")
    heard: list[AppointmentChange] = []

    async def listen(change: AppointmentChange) -> None:
        heard.append(change)

    unsubscribe = services.signals.changes.subscribe(listen)
    anna = person("en")
    client = await register(anna)

    await anna.click("📅 Book a session")
    await anna.expect("What would you like to work on?")
    await anna.click("anxiety")
    assert any(b["text"] == "✓ anxiety" for b in anna.buttons())
    await anna.click("Done ▶")
    await anna.expect("What price per session suits you?")
    await anna.click("Up to 5000 RUB")
    card = await anna.expect("Maria Ivanova")
    assert "Price: 3000 RUB per session" in card["text"]
    assert "About Maria Ivanova" in card["text"]
    assert not any("Oleg Petrov" in text for text in anna.texts())  # over the price

    await anna.click("🗓 Free times", card["message_id"])
    week = await anna.expect("Maria Ivanova: free times")
    slot_button = anna.button_with("s:", week)
    slot_id = int(slot_button["callback_data"].split(":")[1])
    await anna.click(slot_button["text"], week["message_id"])
    held = await anna.expect("held for you until")
    slot = await Slot.get(id=slot_id)
    assert slot.status == SlotStatus.HELD and slot.held_by_id == client.id
    assert f"{slot.held_until.astimezone(appointments.MSK):%H:%M}" in held["text"]

    await anna.click("⏱ Refresh", held["message_id"])
    await anna.click("✅ Confirm", held["message_id"])
    await anna.expect("You are booked: Maria Ivanova")

    appointment = await Appointment.get(client_id=client.id)
    assert appointment.psychologist_id == maria.id and appointment.slot_id == slot_id
    assert appointment.status == AppointmentStatus.NEW
    ticket = await Ticket.get(id=appointment.ticket_id)
    assert ticket.queries == ["anxiety"] and ticket.preferences["max_price"] == 5000
    assert AppointmentChange("appointment.created", appointment.id) in heard
    counted = services.metrics.registry.get_sample_value
    assert counted("hraniteli_holds_total", {"channel": "bot", "result": "held"}) == 1
    assert counted("hraniteli_bookings_total", {"channel": "bot", "result": "booked"}) == 1
    # the managers hear of it from the event runner (the scheduler runs it in the product)
    assert await run_due_events() == {"done": 1}
    alert = await Outbox.get(chat_id=manager.telegram_id)
    assert "Maria Ivanova" in alert.text
    unsubscribe()


async def test_a_time_taken_by_someone_else_while_choosing(
    person: Callable[..., Person], services: Services
) -> None:
    await make_bookable_psychologist("Maria Ivanova")
    anna, boris = person("en"), person("en", "Boris")
    await register(anna)
    boris_client = await register(boris)

    week, slot_button = await free_times_of(anna, "Maria Ivanova")
    slot_id = int(slot_button["callback_data"].split(":")[1])

    await appointments.hold_slot(boris_client.id, slot_id)  # Boris is quicker
    answer = await anna.click(slot_button["text"], week["message_id"])
    assert "someone else has just taken this time" in answer["text"]
    fresh = await anna.expect("someone else has just taken this time")
    assert fresh["message_id"] == week["message_id"]
    shown = [b["callback_data"] for b in anna.buttons(fresh)]
    assert f"s:{slot_id}:0:b" not in shown
    assert any(data.startswith("s:") for data in shown)  # the other times are still offered
    refused = {"channel": "bot", "result": "slot_held"}
    assert services.metrics.registry.get_sample_value("hraniteli_holds_total", refused) == 1


async def test_an_expired_hold_is_explained_and_the_times_shown_again(
    person: Callable[..., Person],
) -> None:
    await make_bookable_psychologist("Maria Ivanova")
    anna = person("en")
    client = await register(anna)
    week, slot_button = await free_times_of(anna, "Maria Ivanova")
    await anna.click(slot_button["text"], week["message_id"])
    held = await anna.expect("held for you until")

    # Five minutes pass.
    await Slot.filter(held_by_id=client.id).update(held_until=utcnow() - timedelta(seconds=1))
    answer = await anna.click("✅ Confirm", held["message_id"])
    assert "hold has run out" in answer["text"]
    fresh = await anna.expect("hold has run out")
    assert slot_button["callback_data"] in [b["callback_data"] for b in anna.buttons(fresh)]
    assert not await Appointment.exists(client_id=client.id)
    assert not await Ticket.exists(client_id=client.id)


async def test_a_client_at_the_booking_limit_is_told_before_a_time_is_held(
    person: Callable[..., Person],
) -> None:
    anna = await make_bookable_psychologist("Anna Smirnova", slots_at=(50, 52, 54))
    maria = person("en", name="Maria")
    client = await register(maria)
    for slot in await Slot.filter(psychologist_id=anna.id).order_by("starts_at").limit(2):
        await appointments.book(
            client.id, slot.id, Initiator(Actor.MANAGER), require_own_hold=False
        )

    week, first_time = await free_times_of(maria, "Anna Smirnova")
    answer = await maria.click(first_time["text"], week["message_id"])

    assert "You already have 2 upcoming sessions" in answer["text"]
    await maria.expect("You already have 2 upcoming sessions")
    assert await Slot.filter(status=SlotStatus.HELD).count() == 0
    assert await Appointment.all().count() == 2
