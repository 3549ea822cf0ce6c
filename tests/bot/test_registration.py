"""/start and registration by the contact button, in English and Russian."""

from __future__ import annotations

from collections.abc import Callable

from db.models import Client
from sandbox import BotApiEmulator
from tests.harness.bot_users import Person
from tests.harness.bots import TOKEN
from tests.harness.builders import make_bookable_psychologist


async def test_registration_by_contact_button(
    person: Callable[..., Person], emulator: BotApiEmulator
) -> None:
    anna = person("en")
    await anna.send_text("/start")
    await anna.expect("share your phone number")
    keyboard = emulator.reply_keyboard(anna.id)
    assert keyboard is not None and keyboard["keyboard"][0][0]["request_contact"] is True

    emulator.press(TOKEN, anna.id, "📱 Share my phone number")
    await anna.expect("You are registered")
    await anna.expect("Where are you?")
    await anna.click("Berlin")
    await anna.expect("Your time zone: Berlin (Europe/Berlin)")
    await anna.expect("Main menu")

    client = await Client.get(telegram_id=anna.id)
    assert client.phone == anna.phone
    assert client.language == "en"
    assert client.name == "Anna"
    assert client.timezone == "Europe/Berlin"
    assert emulator.reply_keyboard(anna.id) is None


async def test_the_own_contact_links_the_client_a_manager_imported(
    person: Callable[..., Person], emulator: BotApiEmulator
) -> None:
    anna = person("ru")
    imported = await Client.create(phone=anna.phone, name="Анна Импортова", source="import")

    await anna.send_text("/start")
    await anna.share_contact()
    await anna.expect("Анна Импортова")

    linked = await Client.get(id=imported.id)
    assert (linked.telegram_id, linked.phone_verified) == (anna.id, True)
    assert await Client.all().count() == 1


async def test_steps_sent_without_waiting_each_read_what_the_one_before_left(
    person: Callable[..., Person], emulator: BotApiEmulator
) -> None:
    """The link, the contact and the city at once: each update waits for the one before to
    let go of the person's state (bot/fsm.py), so the link's payload is kept through
    registration and the client lands on the psychologist's free times."""
    maria = await make_bookable_psychologist("Maria Ivanova")
    anna = person("en")
    emulator.send_text(TOKEN, anna.id, f"/start utm_psy_{maria.id}")
    emulator.send_contact(TOKEN, anna.id, anna.phone)
    emulator.send_text(TOKEN, anna.id, "Berlin")

    await anna.expect("Maria Ivanova: free times")
    assert [text.split("\n")[0] for text in anna.texts()][:2] == [
        "Hello! This bot books sessions with our psychologists.",
        "Thank you, Anna! You are registered.",
    ]
    assert (await Client.get(telegram_id=anna.id)).timezone == "Europe/Berlin"
