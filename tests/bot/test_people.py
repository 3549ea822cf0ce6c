"""Who a person is, as the bot remembers them between their messages (bot/people.py), is never
out of date where they would notice: a change made on the board, in a mini app, by an invite
or in the bot itself shows on their very next message; with Redis, on another instance of the
bot too."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient

from db.enums import Actor
from db.models import Manager
from sandbox import BotApiEmulator
from services import Services
from tests.harness.api_callers import Api
from tests.harness.bot_users import Person, register
from tests.harness.bots import polling
from tests.harness.builders import make_bookable_psychologist

ADMIN = 9001
PSYCHOLOGIST_MENU = "Hello, Maria Ivanova! Your psychologist's menu:"
CLIENT_MENU = "Main menu: what would you like to do?"
# The same bot (the same data, the same Redis) run by a second process.
SECOND_TOKEN = "987654321:SECOND-instance-of-the-bot"


@pytest.fixture
def board(web_client: TestClient, services: Services) -> Api:
    """The web app in the bot's process, called by an admin."""
    services.settings.admin_ids = [ADMIN]
    return Api(web_client)


async def set_active(board: Api, path: str, active: bool) -> None:
    answer = await board.http.patch(
        path, json={"active": active}, headers=board.auth(Actor.ADMIN, ADMIN)
    )
    assert answer.status == 200, await answer.text()


async def says(someone: Person, text: str) -> str:
    """What the bot answers `text` with (its newest message)."""
    await someone.send_text(text)
    return str(someone.last()["text"])


async def test_a_psychologist_deactivated_on_the_board_loses_the_menu_on_the_next_message(
    person: Callable[..., Person], board: Api
) -> None:
    maria_user = person("en", "Maria")
    maria = await make_bookable_psychologist(
        "Maria Ivanova", telegram_id=maria_user.id, language="en"
    )
    assert await says(maria_user, "/menu") == PSYCHOLOGIST_MENU
    path = f"/api/v1/staff/psychologists/{maria.id}"

    await set_active(board, path, False)
    assert await says(maria_user, "/menu") == CLIENT_MENU

    await set_active(board, path, True)
    assert await says(maria_user, "/menu") == PSYCHOLOGIST_MENU


async def test_a_manager_deactivated_on_the_board_loses_the_board_on_the_next_message(
    person: Callable[..., Person], board: Api
) -> None:
    olga = person("en", "Olga")
    manager = await Manager.create(telegram_id=olga.id, name="Olga")
    assert (await says(olga, "/menu")).startswith("Manager's menu")

    await set_active(board, f"/api/v1/staff/managers/{manager.id}", False)
    assert await says(olga, "/menu") == CLIENT_MENU
    assert "Your link to the board" not in await says(olga, "/login")


async def test_someone_the_bot_knows_is_recognised_as_a_psychologist_once_invited(
    person: Callable[..., Person], board: Api
) -> None:
    maria = person("en", "Maria Ivanova")
    assert "share your phone number" in await says(maria, "/start")
    answer = await board.http.post(
        "/api/v1/staff/invites",
        json={"role": "psychologist"},
        headers=board.auth(Actor.ADMIN, ADMIN),
    )
    code = (await answer.json())["code"]

    assert "Welcome to the team!" in await says(maria, f"/start mgr_{code}")
    assert await says(maria, "/menu") == PSYCHOLOGIST_MENU


async def test_a_time_zone_set_in_the_mini_app_is_the_one_the_bot_shows_next(
    person: Callable[..., Person], board: Api
) -> None:
    anna = person("en")
    await register(anna, "Europe/Moscow")
    assert "Your time zone now: MSK." in await says(anna, "/timezone")

    answer = await board.http.patch(
        "/api/v1/clients/me",
        json={"timezone": "Europe/Berlin"},
        headers=board.auth(Actor.CLIENT, anna.id),
    )
    assert answer.status == 200, await answer.text()
    assert "Your time zone now: Berlin" in await says(anna, "/timezone")


async def test_a_psychologist_who_switches_language_reads_it_on_the_next_message(
    person: Callable[..., Person],
) -> None:
    maria_user = person("en", "Maria")
    await make_bookable_psychologist("Maria Ivanova", telegram_id=maria_user.id, language="en")
    assert await says(maria_user, "/menu") == PSYCHOLOGIST_MENU
    await maria_user.send_text("/language")
    await maria_user.click("Русский")
    await maria_user.expect("Язык изменён.")
    assert (await says(maria_user, "/menu")).startswith("Здравствуйте, Maria Ivanova!")


@pytest.fixture
async def second_instance(
    services: Services, emulator: BotApiEmulator, running_bot: Bot
) -> AsyncIterator[str]:
    """Another process running the bot on the same database and Redis, with a change feed of
    its own: it hears of this process's changes only through Redis. Answers its token."""
    if not services.settings.redis_url:
        pytest.skip("two instances share what they know through Redis (REDIS_URL unset)")
    other = Services(settings=services.settings)
    bot = emulator.make_bot(SECOND_TOKEN)
    try:
        async with polling(other, bot, emulator):
            await emulator.wait_for(lambda: emulator.long_polling(SECOND_TOKEN), what="polling")
            yield SECOND_TOKEN
    finally:
        await bot.session.close()


async def test_a_change_made_on_one_instance_shows_on_the_other_at_once(
    person: Callable[..., Person], board: Api, emulator: BotApiEmulator, second_instance: str
) -> None:
    maria_user = person("en", "Maria")
    maria = await make_bookable_psychologist(
        "Maria Ivanova", telegram_id=maria_user.id, language="en"
    )

    async def says_to_the_other(text: str) -> str:
        before = len(emulator.sent(maria_user.id, second_instance))
        emulator.send_text(second_instance, maria_user.id, text)
        sent = await emulator.wait_for_sent(maria_user.id, before + 1, token=second_instance)
        return str(sent[-1]["text"])

    assert await says_to_the_other("/menu") == PSYCHOLOGIST_MENU
    # The board is served by this process: the other one's own feed never hears of it.
    await set_active(board, f"/api/v1/staff/psychologists/{maria.id}", False)
    assert await says_to_the_other("/menu") == CLIENT_MENU
