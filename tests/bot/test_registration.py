"""/start and registration by the contact button, in English and Russian."""

from __future__ import annotations

from collections.abc import Callable

from db.models import Client
from sandbox import BotApiEmulator
from tests.harness.bot_users import Person
from tests.harness.bots import TOKEN


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
