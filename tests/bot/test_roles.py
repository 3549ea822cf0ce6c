"""Help hand (a client asks, the first psychologist to take it wins), the psychologist's and
the manager's menus, deep links, and the two languages."""

from __future__ import annotations

from collections.abc import Callable

from db.enums import TicketKind, TicketStatus
from db.models import Client, Manager, Ticket
from sandbox import BotApiEmulator
from tests.harness.bot_users import Person, register
from tests.harness.bots import TOKEN
from tests.harness.builders import make_bookable_psychologist


async def test_help_hand_request_taken_by_the_first_psychologist(
    person: Callable[..., Person],
) -> None:
    anna = person("en")
    client = await register(anna)
    await anna.click("🤝 Help hand: a low-price request")
    await anna.click("300 RUB")
    await anna.expect("describe in a message")
    await anna.send_text("I cannot sleep")
    await anna.expect("Your help-hand request")
    ticket = await Ticket.get(client_id=client.id)
    assert (ticket.kind, ticket.price_tier, ticket.queries) == (
        TicketKind.HELP_HAND,
        "300 руб",
        ["I cannot sleep"],
    )

    first, second = person("en", "Maria"), person("en", "Oleg")
    await make_bookable_psychologist(
        "Maria Ivanova", telegram_id=first.id, help_hand_mode=True, language="en"
    )
    oleg = await make_bookable_psychologist(
        "Oleg Petrov", telegram_id=second.id, help_hand_mode=True, language="en"
    )
    for psychologist in (first, second):
        await psychologist.send_text("/start")
        await psychologist.click("🤝 Help-hand requests")
        await psychologist.click("300 RUB")
        await psychologist.expect(ticket.number)
    listing = second.last()

    await first.click(f"Take {ticket.number}")
    await first.expect(f"The request {ticket.number} is yours. Client: Anna")
    answer = await second.click(f"Take {ticket.number}", listing["message_id"])
    assert answer["text"] == "Sorry, another psychologist has already taken this request."
    await second.expect("There are no open help-hand requests at this price now.")
    taken = await Ticket.get(id=ticket.id)
    assert taken.status == TicketStatus.ASSIGNED and taken.psychologist_id != oleg.id


async def test_psychologist_and_manager_menus(
    person: Callable[..., Person], emulator: BotApiEmulator
) -> None:
    maria_user = person("en", "Maria")
    maria = await make_bookable_psychologist(
        "Maria Ivanova", telegram_id=maria_user.id, language="en"
    )
    anna = person("en")
    client = await register(anna)
    await maria_user.send_text("/start")
    menu = await maria_user.expect("Hello, Maria Ivanova!")
    editor = next(b for b in maria_user.buttons(menu) if "web_app" in b)
    assert editor["web_app"]["url"] == "http://127.0.0.1:8080/app/editor"
    assert emulator.menu_button(TOKEN, maria_user.id)["web_app"]["url"].endswith("/app/editor")

    await maria_user.click("My anketa")
    anketa = await maria_user.expect("Your anketa: Maria Ivanova")
    link = anketa["text"].rsplit(" ", 1)[-1]
    assert link == f"https://t.me/sandbox_bot?start=utm_psy_{maria.id}"

    # The client follows the psychologist's link: straight to her free times.
    await anna.send_text(f"/start utm_psy_{maria.id}")
    await anna.expect("Maria Ivanova: free times")
    assert client.telegram_id == anna.id

    olga = person("en", "Olga")
    await Manager.create(telegram_id=olga.id, name="Olga")
    await olga.send_text("/start")
    menu = await olga.expect("Manager's menu")
    board = next(b for b in olga.buttons(menu) if "web_app" in b)
    assert board["web_app"]["url"] == "http://127.0.0.1:8080/app/board"


async def test_russian_by_default_and_the_language_command(
    person: Callable[..., Person],
) -> None:
    ivan = person("ru", "Иван")
    await ivan.send_text("/start")
    await ivan.expect("поделитесь номером телефона")
    await ivan.share_contact()
    await ivan.expect("Вы зарегистрированы")
    await ivan.expect("Где вы находитесь?")
    await ivan.click("Москва")
    await ivan.wait_for_menu()
    assert (await Client.get(telegram_id=ivan.id)).language == "ru"

    await ivan.send_text("/language")
    await ivan.click("English")
    await ivan.expect("Language changed.")
    assert (await Client.get(telegram_id=ivan.id)).language == "en"
    await ivan.send_text("/menu")
    await ivan.expect("Main menu: what would you like to do?")

    await ivan.send_text("/language")
    await ivan.click("Русский")
    await ivan.expect("Язык изменён.")
    await ivan.click("📅 Записаться на сессию")
    await ivan.expect("С чем вы хотели бы поработать?")


async def test_an_english_user_chooses_russian_before_registering(
    person: Callable[..., Person],
) -> None:
    kate = person("en", "Kate")
    await kate.send_text("/language")
    await kate.click("Русский")
    await kate.send_text("/start")
    await kate.expect("поделитесь номером телефона")
    await kate.share_contact()
    await kate.expect("Вы зарегистрированы")
    assert (await Client.get(telegram_id=kate.id)).language == "ru"
