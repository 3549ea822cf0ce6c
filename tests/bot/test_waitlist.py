"""The waitlist in the bot: no free time -> join the line -> a time is added -> the pass offers
it (the real sender delivers the offer) -> one tap books it; and a psychologist's week with no
free time -> join; /sessions -> my waitlist -> leave."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram import Bot

from bot.sender import running_sender
from db.enums import Actor, AppointmentStatus, WaitlistState
from db.models import Appointment, Slot, WaitlistEntry
from domain.audit import Initiator
from domain.booking import appointments, waitlist, waitlist_offers
from domain.booking.waitlist import Window
from domain.timerules import MSK, utcnow
from services import Signals
from tests.harness.bot_users import Person, free_times_of, register
from tests.harness.builders import make_bookable_psychologist, make_client, make_psychologist
from tests.harness.outbox import FAST, wait_until_settled

BY_MANAGER = Initiator(Actor.MANAGER, source="board")


async def test_no_free_time_join_then_the_offer_books_in_one_tap(
    person: Callable[..., Person], running_bot: Bot, signals: Signals
) -> None:
    maria = await make_psychologist("Maria Ivanova", queries=["anxiety"], min_price=3000)
    anna = person("en")
    client = await register(anna)

    await anna.click("📅 Book a session")
    await anna.click("anxiety")
    await anna.click("Done ▶")
    await anna.click("Any price")
    await anna.expect("No psychologist has free times")
    await anna.click("⏳ Join the waitlist")
    await anna.expect("When could you come?")
    await anna.click("Any time in the next 2 weeks")
    await anna.expect("You are on the waitlist: number 1 in line")
    entry = await WaitlistEntry.get(client_id=client.id)
    assert (entry.psychologist_id, entry.queries) == (None, ["anxiety"])

    # Maria adds a time; the waitlist's pass (the scheduler runs it each tick) offers it.
    slot = await Slot.create(psychologist=maria, starts_at=utcnow() + timedelta(hours=30))
    report = await waitlist_offers.run_pass(15, now=utcnow())
    assert report.offered == 1
    async with running_sender(running_bot, signals, rate=100, **FAST):
        await wait_until_settled()
    offer = await anna.expect("A time you are waiting for is free: Maria Ivanova")
    assert f"{slot.starts_at.astimezone(MSK):%d.%m %H:%M} (MSK)" in offer["text"]
    assert "held for you alone until" in offer["text"]

    await anna.click("✅ Book this time", offer["message_id"])
    await anna.expect("You are booked: Maria Ivanova")
    appointment = await Appointment.get(client_id=client.id)
    assert (appointment.slot_id, appointment.status) == (slot.id, AppointmentStatus.NEW)
    await entry.refresh_from_db()
    assert entry.state == WaitlistState.BOOKED


async def test_an_offer_tapped_after_it_lapsed_is_refused_politely(
    person: Callable[..., Person], running_bot: Bot, signals: Signals
) -> None:
    maria = await make_psychologist("Maria Ivanova")
    anna = person("en")
    client = await register(anna)
    today = utcnow().astimezone(MSK).date()
    await waitlist.join(client.id, maria.id, Window(today, today + timedelta(days=5)))
    await Slot.create(psychologist=maria, starts_at=utcnow() + timedelta(hours=30))
    await waitlist_offers.run_pass(15, now=utcnow())
    async with running_sender(running_bot, signals, rate=100, **FAST):
        await wait_until_settled()
    offer = await anna.expect("A time you are waiting for is free")

    await waitlist_offers.run_pass(15, now=utcnow() + timedelta(minutes=15))  # it lapses
    await anna.click("✅ Book this time", offer["message_id"])
    await anna.expect("Sorry, this offer is over")
    assert not await Appointment.exists(client_id=client.id)
    assert (await WaitlistEntry.get(client_id=client.id)).state == WaitlistState.WAITING


async def test_a_week_with_no_free_time_offers_the_waitlist(person: Callable[..., Person]) -> None:
    await make_bookable_psychologist("Maria Ivanova", slots_at=(50,))
    anna = person("en")
    client = await register(anna)
    week, slot_button = await free_times_of(anna, "Maria Ivanova")
    slot_id = int(slot_button["callback_data"].split(":")[1])
    boris = await make_client()
    await appointments.book(boris.id, slot_id, BY_MANAGER, require_own_hold=False)

    await anna.click(slot_button["text"], week["message_id"])
    await anna.expect("No free times this week.")
    await anna.click("⏳ Join the waitlist", week["message_id"])
    await anna.click("Weekends")
    await anna.expect("You are on the waitlist: number 1 in line")
    entry = await WaitlistEntry.get(client_id=client.id)
    assert entry.weekdays == [5, 6]


async def test_sessions_list_the_waitlist_with_a_button_to_leave(
    person: Callable[..., Person],
) -> None:
    maria = await make_psychologist("Maria Ivanova")
    anna = person("en")
    client = await register(anna)
    today = utcnow().astimezone(MSK).date()
    entry_id, _ = await waitlist.join(
        client.id, maria.id, Window(today, today + timedelta(days=5))
    )

    await anna.send_text("/sessions")
    await anna.expect("You have no upcoming sessions.")
    await anna.click("⏳ My waitlist")
    listed = await anna.expect("Your waitlist (MSK):")
    assert "Maria Ivanova" in listed["text"] and "number 1 in line" in listed["text"]
    await anna.click("✖ Leave #1", listed["message_id"])
    await anna.expect("You are not on the waitlist.")
    assert (await WaitlistEntry.get(id=entry_id)).state == WaitlistState.CANCELLED
