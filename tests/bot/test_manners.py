"""Bot manners: /help by role, each role's command list in its own chat (kept in step with the
team), the bot's descriptions in both languages, and an admin's /invite of a psychologist who
then fills in their anketa."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.types import BotCommandScopeChat

from db.enums import Actor, ManagerRole
from db.models import Manager, Psychologist
from sandbox import BotApiEmulator
from services import Services
from tests.harness.api_callers import Api
from tests.harness.bot_users import Person, register
from tests.harness.bots import TOKEN, polling
from tests.harness.builders import make_bookable_psychologist

CLIENT = ["start", "menu", "sessions", "timezone", "language", "help"]
PSYCHOLOGIST = ["start", "menu", "language", "help"]
MANAGER = ["start", "menu", "board", "login", "language", "help"]
ADMIN = ["start", "menu", "board", "login", "invite", "language", "help"]
PROFILE_URL = "http://127.0.0.1:8080/app/profile"
EDITOR_URL = "http://127.0.0.1:8080/app/editor"


def chat_commands(emulator: BotApiEmulator, someone: Person, language: str = "") -> list[str]:
    scope = {"type": "chat", "chat_id": someone.id}
    return [c["command"] for c in emulator.my_commands(TOKEN, scope, language)]


async def chat_shows(
    emulator: BotApiEmulator, someone: Person, names: list[str], language: str = ""
) -> None:
    await emulator.wait_for(
        lambda: chat_commands(emulator, someone, language) == names,
        what=f"{names} in the chat of {someone.id} ({language or 'no language'})",
    )


def web_apps(someone: Person, message: dict[str, Any]) -> list[str]:
    return [b["web_app"]["url"] for b in someone.buttons(message) if "web_app" in b]


async def test_help_tells_each_role_what_it_can_do(
    person: Callable[..., Person], services: Services
) -> None:
    anna = person("en")
    await register(anna)
    await anna.send_text("/help")
    shown = await anna.expect("Here you can book an online session with a psychologist.")
    assert "/sessions — My sessions" in shown["text"] and "/board" not in shown["text"]
    assert "call 112" in shown["text"]

    maria = person("en", "Maria")
    await make_bookable_psychologist("Maria Ivanova", telegram_id=maria.id, language="en")
    await maria.send_text("/start")
    await maria.click("❓ Help")  # from the menu
    shown = await maria.expect("Here you work with your clients.")
    assert "The schedule editor" in shown["text"] and "/sessions" not in shown["text"]

    olga = person("en", "Olga")
    await Manager.create(telegram_id=olga.id, name="Olga")
    await olga.send_text("/help")
    shown = await olga.expect("Here you run the service's requests and sessions.")
    assert "/board — Open the board" in shown["text"] and "/invite" not in shown["text"]

    boss = person("en", "Boss")
    services.settings.admin_ids = [boss.id]
    await boss.send_text("/help")
    shown = await boss.expect("Here you run the service's requests and sessions.")
    assert "/invite — Invite a manager or a psychologist" in shown["text"]

    ivan = person("ru", "Иван")  # not registered yet: a client's help, in Russian
    await ivan.send_text("/help")
    shown = await ivan.expect("Здесь можно записаться на онлайн-сессию с психологом.")
    assert "/help — Помощь: что я умею" in shown["text"]


async def test_the_bot_describes_itself_and_lists_client_commands_in_both_languages(
    running_bot: Bot, emulator: BotApiEmulator
) -> None:
    russian = await running_bot.get_my_description()
    english = await running_bot.get_my_description(language_code="en")
    assert russian.description.startswith("Здесь можно записаться на онлайн-сессию")
    assert english.description.startswith("Here you can book an online session")
    short_ru = await running_bot.get_my_short_description()
    short_en = await running_bot.get_my_short_description(language_code="en")
    assert short_ru.short_description.startswith("Онлайн-сессии с психологом")
    assert short_en.short_description.startswith("Online sessions with a psychologist")

    for language, help_line in (
        ("", "Помощь: что я умею"),
        ("ru", None),
        ("en", "Help: what I can do"),
    ):
        listed = emulator.my_commands(TOKEN, None, language)
        assert [c["command"] for c in listed] == CLIENT
        if help_line:
            assert listed[-1]["description"] == help_line


async def test_the_team_gets_its_commands_at_start_up(
    emulator: BotApiEmulator, bot: Bot, services: Services
) -> None:
    olga, maria, boss, gone = (Person.join(emulator, "en", n) for n in ("Olga", "Maria", "B", "G"))
    await Manager.create(telegram_id=olga.id, name="Olga")
    await Manager.create(telegram_id=gone.id, name="Gone", is_active=False)
    await make_bookable_psychologist("Maria Ivanova", telegram_id=maria.id, language="en")
    services.settings.admin_ids = [boss.id, 777_000_001]  # the second never opened the bot
    async with polling(services, bot, emulator):
        await chat_shows(emulator, olga, MANAGER)
        await chat_shows(emulator, olga, MANAGER, "en")
        await chat_shows(emulator, maria, PSYCHOLOGIST, "ru")
        await chat_shows(emulator, boss, ADMIN)
        await chat_shows(emulator, boss, ADMIN, "en")
        assert chat_commands(emulator, gone) == []
        # What Telegram answers the bot, by the chat's scope.
        listed = await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=olga.id))
        assert [c.command for c in listed] == MANAGER
    english = emulator.my_commands(TOKEN, {"type": "chat", "chat_id": boss.id}, "en")
    assert {"command": "invite", "description": "Invite a manager or a psychologist"} in english
    russian = emulator.my_commands(TOKEN, {"type": "chat", "chat_id": boss.id}, "ru")
    assert {"command": "invite", "description": "Пригласить менеджера или психолога"} in russian


async def test_deactivated_staff_lose_their_commands(
    person: Callable[..., Person],
    services: Services,
    emulator: BotApiEmulator,
    api: Api,
) -> None:
    boss, nina, maria = person("en", "Boss"), person("en", "Nina"), person("en", "Maria")
    services.settings.admin_ids = [boss.id]
    manager = await Manager.create(telegram_id=nina.id, name="Nina")
    psychologist = await make_bookable_psychologist(
        "Maria Ivanova", telegram_id=maria.id, language="en"
    )
    for someone in (nina, maria):
        await someone.send_text("/start")
    await chat_shows(emulator, nina, MANAGER, "en")
    await chat_shows(emulator, maria, PSYCHOLOGIST, "en")
    assert emulator.menu_button(TOKEN, nina.id)["type"] == "web_app"

    headers = api.auth(Actor.ADMIN, boss.id)
    for path in (
        f"/api/v1/staff/managers/{manager.id}",
        f"/api/v1/staff/psychologists/{psychologist.id}",
    ):
        answer = await api.http.patch(path, json={"active": False}, headers=headers)
        assert answer.status == 200, await answer.text()
    for someone in (nina, maria):
        for language in ("", "ru", "en"):
            await chat_shows(emulator, someone, [], language)
        # Their menu button is the bot's again: the command list, no mini app.
        await emulator.wait_for(
            lambda someone=someone: emulator.menu_button(TOKEN, someone.id)["type"] == "commands",
            what="the bot's own menu button",
        )

    answer = await api.http.patch(
        f"/api/v1/staff/managers/{manager.id}", json={"active": True}, headers=headers
    )
    assert answer.status == 200
    await chat_shows(emulator, nina, MANAGER, "en")


async def test_an_admin_invites_a_psychologist_who_fills_in_the_anketa(
    person: Callable[..., Person], services: Services, emulator: BotApiEmulator
) -> None:
    boss = person("en", "Boss")
    services.settings.admin_ids = [boss.id]
    await boss.send_text("/invite")
    await boss.expect("Whom would you like to invite?")
    await boss.click("A psychologist")
    answer = await boss.expect("Send this link to the new psychologist")
    link = answer["text"].rsplit("\n", 1)[-1]
    assert link.startswith("https://t.me/sandbox_bot?start=mgr_")

    vera = person("en", "Vera")
    await vera.send_text(f"/start {link.rsplit('=', 1)[-1]}")
    welcome = await vera.expect("Welcome to the team! You are now one of our psychologists.")
    assert "fill in your anketa" in welcome["text"]
    assert web_apps(vera, welcome) == [EDITOR_URL, PROFILE_URL]
    assert (await Psychologist.get(telegram_id=vera.id)).is_active
    await chat_shows(emulator, vera, PSYCHOLOGIST, "en")

    # Straight to the link with the role named, in Russian.
    await boss.send_text("/invite психолог")
    await boss.expect("Send this link to the new psychologist")
    await boss.send_text("/invite manager")
    await boss.expect("Send this link to the new manager")
    await boss.send_text("/invite plumber")
    await boss.expect("I do not know the role «plumber».")


async def test_only_admins_invite(person: Callable[..., Person]) -> None:
    olga = person("en", "Olga")
    await Manager.create(telegram_id=olga.id, name="Olga", role=ManagerRole.MANAGER)
    anna = person("en")
    await register(anna)
    for someone in (olga, anna):
        await someone.send_text("/invite psychologist")
        await someone.expect("Sorry, only admins can invite new staff.")
        assert not any("t.me/sandbox_bot?start=mgr_" in text for text in someone.texts())


async def test_the_psychologists_menu_opens_the_editor_and_the_anketa(
    person: Callable[..., Person],
) -> None:
    maria = person("ru", "Мария")
    await make_bookable_psychologist("Мария Иванова", telegram_id=maria.id, language="ru")
    await maria.send_text("/menu")
    menu = await maria.expect("Мария Иванова")
    assert web_apps(maria, menu) == [EDITOR_URL, PROFILE_URL]
    labels = [b["text"] for b in maria.buttons(menu) if "web_app" in b]
    assert labels == ["🗓 Редактор расписания", "📝 Заполнить анкету"]
