"""Calendars in the bot: the booked session as an .ics file (read back from the emulator and
parsed), and the calendar feed's address for a client and for a psychologist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram import Bot
from icalendar import Calendar

from db.models import Appointment, Client
from tests.harness.bot_users import Person, free_times_of, register
from tests.harness.bots import TOKEN
from tests.harness.builders import make_bookable_psychologist


async def test_the_booked_session_comes_as_an_ics_file(
    person: Callable[..., Person], running_bot: Bot
) -> None:
    await make_bookable_psychologist("Maria Ivanova")
    anna = person("en")
    client = await register(anna)
    week, slot_button = await free_times_of(anna, "Maria Ivanova")
    await anna.click(slot_button["text"], week["message_id"])
    held = await anna.expect("held for you until")
    await anna.click("✅ Confirm", held["message_id"])
    booked = await anna.expect("You are booked: Maria Ivanova")
    appointment = await Appointment.get(client_id=client.id)

    before = len(anna.emulator.sent(anna.id))
    await anna.click("📅 Add to calendar", booked["message_id"])
    await anna.emulator.wait_for_sent(anna.id, before + 1)
    sent = anna.last()
    document = sent["document"]
    assert document["file_name"] == f"session-{appointment.id}.ics"
    assert "add the session to your calendar" in sent["caption"]

    data = await running_bot.download(document["file_id"])
    assert data is not None
    [event] = Calendar.from_ical(data.read()).walk("VEVENT")
    assert str(event["UID"]).startswith(f"appointment-{appointment.id}@")
    assert event.decoded("DTSTART") == appointment.starts_at
    assert event.decoded("DTEND") == appointment.starts_at + timedelta(hours=1)
    assert str(event["SUMMARY"]) == "Session with Maria Ivanova"
    assert str(event["STATUS"]) == "CONFIRMED"

    # another client's session is no file for her
    boris = person("en", "Boris")
    await register(boris)
    # (a modified client sends any data, whether the message has such a button or not)
    update = boris.emulator.send_callback_query(
        TOKEN, boris.id, f"ics:{appointment.id}", boris.last()
    )
    answer = await boris.emulator.wait_for_callback_answer(str(update["callback_query"]["id"]))
    assert answer["text"] == "This session is not in your list any more."
    assert not any("document" in message for message in boris.emulator.sent(boris.id))


async def test_the_feed_address_for_a_client_and_a_psychologist(
    person: Callable[..., Person],
) -> None:
    anna = person("en")
    client = await register(anna)
    await anna.click("🗂 My sessions")
    await anna.click("🔗 Calendar feed")
    shown = await anna.expect("Your calendar feed")
    assert "/api/v1/calendar/feeds/" in shown["text"]
    assert (await Client.get(id=client.id)).calendar_token_hash is not None
    await anna.send_text("/calendar")
    again = anna.last()["text"]
    assert again == shown["text"]  # the same address every time

    vera = person("en", "Vera")
    await make_bookable_psychologist("Vera Psy", telegram_id=vera.id, language="en")
    await vera.send_text("/start")
    await vera.click("🔗 Calendar feed")
    feed = await vera.expect("Your calendar feed")
    assert "/api/v1/calendar/feeds/" in feed["text"]
    assert feed["text"] != shown["text"]
