"""My sessions: cancel with a reason, reschedule, reassignment to another psychologist, and
the confirmation buttons of the scheduler's messages."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from bot.keyboards.outbox import outbox_keyboard
from db.enums import Actor, AppointmentStatus, SlotStatus
from db.models import Appointment, Client, Psychologist, Slot, Ticket
from domain.audit import Initiator
from domain.booking import appointments, client_booking
from domain.messaging import buttons
from tests.harness.bot_users import Person, register
from tests.harness.builders import make_bookable_psychologist


async def book_for(client: Client, psychologist: Psychologist, queries: list[str]) -> Appointment:
    slot = await Slot.filter(psychologist_id=psychologist.id).order_by("starts_at").first()
    assert slot is not None
    await appointments.hold_slot(client.id, slot.id)
    booked = await client_booking.book_with_request(
        client.id, slot.id, queries, {}, Initiator(Actor.CLIENT), max_active=0
    )
    return await Appointment.get(id=booked.id)


async def open_session(someone: Person) -> dict:
    await someone.send_text("/sessions")
    listing = await someone.expect("Your upcoming sessions")
    await someone.click(someone.button_with("ap:open:", listing)["text"], listing["message_id"])
    return await someone.expect("Session with")


async def test_cancel_with_a_reason(person: Callable[..., Person]) -> None:
    maria = await make_bookable_psychologist("Maria Ivanova")
    anna = person("en")
    appointment = await book_for(await register(anna), maria, ["anxiety"])

    view = await open_session(anna)
    assert "Maria Ivanova" in view["text"] and "waiting for your confirmation" in view["text"]
    await anna.click("❌ Cancel the session", view["message_id"])
    # 50 hours ahead: no late-cancel warning, the reason is asked at once
    assert "late cancellation" not in (await anna.expect("Please tell us why"))["text"]
    await anna.send_text("I am ill")
    await anna.expect("is cancelled")

    cancelled = await Appointment.get(id=appointment.id)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert cancelled.cancel_reason == "I am ill"
    assert (cancelled.late_cancel, cancelled.cancelled_at is not None) == (False, True)
    assert (await Slot.get(id=appointment.slot_id)).status == SlotStatus.FREE
    await anna.send_text("/sessions")
    await anna.expect("You have no upcoming sessions.")


async def test_a_late_cancel_is_warned_of_and_confirmed_first(
    person: Callable[..., Person],
) -> None:
    maria = await make_bookable_psychologist("Maria Ivanova", slots_at=(5,))
    anna, vera = person("en"), person("ru")
    appointment = await book_for(await register(anna), maria, ["anxiety"])

    view = await open_session(anna)
    await anna.click("❌ Cancel the session", view["message_id"])
    warning = await anna.expect("counts as a late cancellation")
    assert "Less than 24 hours are left before the session with Maria Ivanova" in warning["text"]
    await anna.click("Keep the session", view["message_id"])
    await anna.expect("Session with")
    assert (await Appointment.get(id=appointment.id)).status == AppointmentStatus.NEW

    await anna.click("❌ Cancel the session", view["message_id"])
    await anna.click("Yes, cancel it", view["message_id"])
    await anna.expect("Please tell us why")
    await anna.click("Cancel without a reason", view["message_id"])
    await anna.expect("is cancelled")
    cancelled = await Appointment.get(id=appointment.id)
    assert (cancelled.status, cancelled.late_cancel) == (AppointmentStatus.CANCELLED, True)

    # in Russian, through the catalog
    await Slot.filter(id=appointment.slot_id).update(status=SlotStatus.FREE)
    await book_for(await register(vera), maria, ["anxiety"])
    await vera.send_text("/sessions")
    listing = await vera.expect("Ваши предстоящие сессии")
    await vera.click(vera.button_with("ap:open:", listing)["text"], listing["message_id"])
    view = await vera.expect("Сессия с психологом")
    await vera.click("❌ Отменить сессию", view["message_id"])
    warning = await vera.expect("будет считаться поздней")
    assert "осталось меньше 24 часов" in warning["text"]


async def test_reschedule_to_another_time_of_the_same_psychologist(
    person: Callable[..., Person],
) -> None:
    maria = await make_bookable_psychologist("Maria Ivanova")
    anna = person("en")
    appointment = await book_for(await register(anna), maria, ["anxiety"])

    view = await open_session(anna)
    await anna.click("🔁 Change time or psychologist", view["message_id"])
    await anna.click("🕒 Another time with Maria Ivanova", view["message_id"])
    week = await anna.expect("Maria Ivanova: free times")
    target = anna.button_with("s:", week)
    new_slot_id = int(target["callback_data"].split(":")[1])
    assert target["callback_data"] == f"s:{new_slot_id}:{appointment.id}:m"
    await anna.click(target["text"], week["message_id"])
    await anna.expect("Move your session to this time?")
    await anna.click("✅ Confirm", week["message_id"])
    await anna.expect("Your session is now with Maria Ivanova")

    moved = await Appointment.get(id=appointment.id)
    assert moved.slot_id == new_slot_id and moved.status == AppointmentStatus.NEW
    assert (await Slot.get(id=appointment.slot_id)).status == SlotStatus.FREE
    assert (await Slot.get(id=new_slot_id)).status == SlotStatus.BOOKED


async def test_reassignment_to_another_psychologist_keeps_the_requests(
    person: Callable[..., Person],
) -> None:
    maria = await make_bookable_psychologist("Maria Ivanova", queries=["anxiety"])
    oleg = await make_bookable_psychologist("Oleg Petrov", queries=["anxiety"])
    anna = person("en")
    appointment = await book_for(await register(anna), maria, ["anxiety", "sleep"])
    first_ticket = await Ticket.get(id=appointment.ticket_id)

    view = await open_session(anna)
    await anna.click("🔁 Change time or psychologist", view["message_id"])
    await anna.click("👥 Another psychologist", view["message_id"])
    card = await anna.expect("Oleg Petrov")
    assert not any("Maria Ivanova\n" in text for text in anna.texts()[-1:])
    await anna.click("🗓 Free times", card["message_id"])
    week = await anna.expect("Oleg Petrov: free times")
    target = anna.button_with("s:", week)
    await anna.click(target["text"], week["message_id"])
    await anna.expect("Move your session to this psychologist and time?")
    await anna.click("✅ Confirm", week["message_id"])
    await anna.expect("Your session is now with Oleg Petrov")

    moved = await Appointment.get(id=appointment.id)
    assert moved.psychologist_id == oleg.id
    assert moved.slot_id == int(target["callback_data"].split(":")[1])
    new_ticket = await Ticket.get(id=moved.ticket_id)
    assert new_ticket.previous_id == first_ticket.id
    assert new_ticket.queries == ["anxiety", "sleep"]


async def test_the_schedulers_confirm_button(
    person: Callable[..., Person], running_bot: Bot
) -> None:
    maria = await make_bookable_psychologist("Maria Ivanova")
    anna = person("en")
    appointment = await book_for(await register(anna), maria, ["anxiety"])
    markup = outbox_keyboard(buttons.confirmation_keyboard(appointment.id, "en"))
    reminder = await running_bot.send_message(anna.id, "Please confirm", reply_markup=markup)

    answer = await anna.click("✅ I will come", reminder.message_id)
    assert answer["text"] == "Thank you! The session is confirmed."
    assert (await Appointment.get(id=appointment.id)).status == AppointmentStatus.CONFIRMED
    await anna.expect("Status: confirmed")


async def test_a_stale_button_gets_an_explanation_and_the_menu(
    person: Callable[..., Person], running_bot: Bot
) -> None:
    anna = person("en")
    await register(anna)
    old = await running_bot.send_message(
        anna.id,
        "An old message",
        reply_markup=InlineKeyboardMarkup.model_validate(
            {"inline_keyboard": [[{"text": "Old", "callback_data": "zz:gone"}]]}
        ),
    )
    answer = await anna.click("Old", old.message_id)
    assert answer["text"] == "This button is out of date; here is the menu."
    await anna.expect("This button is out of date")

    # Someone else's session is not shown, only explained.
    maria = await make_bookable_psychologist("Maria Ivanova")
    boris = await Client.create(telegram_id=1, phone="+79160000001", name="Boris")
    theirs = await book_for(boris, maria, [])
    listing = await running_bot.send_message(
        anna.id,
        "x",
        reply_markup=InlineKeyboardMarkup.model_validate(
            {"inline_keyboard": [[{"text": "Open", "callback_data": f"ap:open:{theirs.id}"}]]}
        ),
    )
    answer = await anna.click("Open", listing.message_id)
    assert answer["text"] == "This session is no longer available; here is the current list."
