"""Clients' time zones in the bot: a client in Berlin reads every time in Berlin time (the
booking flow, the notices, the confirmation ladder, the 2-hour reminder), across the end of
daylight saving time too; /timezone changes the zone by a city button, a typed city or the
local time now; a zone the bot does not know is refused politely."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot

from bot.sender import running_sender
from db.enums import Actor
from db.models import Client, Outbox, Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.followup.events import run_due_events
from domain.timerules import MSK, utcnow
from sandbox import BotApiEmulator
from services import Signals
from tests.harness.bot_users import Person, free_times_of, register
from tests.harness.bots import TOKEN
from tests.harness.builders import make_bookable_psychologist, make_psychologist
from tests.harness.outbox import FAST, wait_until_settled

BERLIN = ZoneInfo("Europe/Berlin")
BY_MANAGER = Initiator(Actor.MANAGER, ref="7001")


async def test_a_berlin_client_books_in_berlin_time(person: Callable[..., Person]) -> None:
    await make_bookable_psychologist("Maria Ivanova")
    anna = person("en")
    client = await register(anna, "Europe/Berlin")
    assert client.timezone == "Europe/Berlin"

    week, first = await free_times_of(anna, "Maria Ivanova")
    assert "(Berlin)" in week["text"]
    slot = await Slot.get(id=int(first["callback_data"].split(":")[1]))
    berlin, moscow = slot.starts_at.astimezone(BERLIN), slot.starts_at.astimezone(MSK)
    assert f"{berlin:%d.%m %H:%M}" in first["text"]
    assert f"{moscow:%H:%M}" not in first["text"]  # two hours apart all year round

    await anna.click(first["text"], week["message_id"])
    held = await anna.expect("held for you until")
    await slot.refresh_from_db()
    assert slot.held_until is not None
    assert f"until {slot.held_until.astimezone(BERLIN):%H:%M}" in held["text"]
    assert f"{berlin:%d.%m %H:%M} (Berlin)" in held["text"]

    await anna.click("✅ Confirm", held["message_id"])
    booked = await anna.expect("You are booked: Maria Ivanova")
    assert f"{berlin:%d.%m %H:%M} (Berlin)" in booked["text"]


def _berlin(day: int, month: int) -> datetime:
    return datetime(2027, month, day, 12, 0, tzinfo=BERLIN).astimezone(UTC)


async def _deliver(bot: Bot, signals: Signals) -> None:
    """Send what the domain queued at its (future) clock: the test's rows are due now, as they
    would be when that day comes."""
    await Outbox.filter(not_before__gt=utcnow()).update(not_before=utcnow())
    async with running_sender(bot, signals, rate=100, **FAST):
        await wait_until_settled()


async def test_berlin_time_across_the_end_of_summer_time(
    person: Callable[..., Person], running_bot: Bot, signals: Signals
) -> None:
    """Summer time ends in Berlin on Sunday 31.10.2027: noon on the Saturday before is 10:00
    UTC, noon on the Monday after is 11:00 UTC; the client reads 12:00 both times."""
    anna = person("ru", "Анна")
    client = await register(anna, "Europe/Berlin")
    maria = await make_psychologist("Мария Иванова")
    saturday, monday = _berlin(30, 10), _berlin(1, 11)
    assert (saturday.hour, monday.hour) == (10, 11)
    booked = []
    for starts in (saturday, monday):
        slot = await Slot.create(psychologist=maria, starts_at=starts)
        booked.append(
            await appointments.book(
                client.id,
                slot.id,
                BY_MANAGER,
                require_own_hold=False,
                meeting_link="https://meet.example/room-1",
                now=datetime(2027, 10, 20, 9, 0, tzinfo=UTC),
            )
        )
    for appointment in booked:
        starts = appointment.starts_at
        await run_due_events(now=starts - timedelta(hours=24))  # please confirm
        await run_due_events(now=starts - timedelta(hours=21))  # please confirm, again
        await appointments.confirm(
            appointment.id, BY_MANAGER, now=starts - timedelta(hours=20, minutes=30)
        )
        await run_due_events(now=starts - timedelta(hours=2))  # two hours to go
    await _deliver(running_bot, signals)

    for day in ("30.10", "01.11"):
        when = f"{day} 12:00 (Берлин)"
        texts = [text for text in anna.texts() if when in text]
        assert any(text.startswith("Вы записаны") for text in texts), anna.texts()
        assert any("Подтвердите, пожалуйста, что придёте" in text for text in texts)
        assert any(text.startswith("Подтвердите, пожалуйста, сессию") for text in texts)
        assert any(text.startswith("Через два часа") for text in texts)
    assert not any("МСК" in text for text in anna.texts())

    await anna.send_text("/sessions")
    listed = await anna.expect("(Берлин)")
    labels = [button["text"] for button in anna.buttons(listed)]
    assert any("30.10 12:00" in label for label in labels), labels
    assert any("01.11 12:00" in label for label in labels), labels


async def test_the_timezone_command(person: Callable[..., Person]) -> None:
    anna = person("en")
    client = await register(anna)

    await anna.send_text("/timezone")
    await anna.expect("Your time zone now: MSK.")
    await anna.click("🌍 Another city")
    await anna.click("Tbilisi")
    await anna.expect("Your time zone: Tbilisi (Asia/Tbilisi)")
    assert (await Client.get(id=client.id)).timezone == "Asia/Tbilisi"

    await anna.send_text("/timezone")
    await anna.send_text("london")
    await anna.expect("Your time zone: London (Europe/London)")
    assert (await Client.get(id=client.id)).timezone == "Europe/London"

    await anna.send_text("/timezone")
    await anna.click("🕐 Type my local time")
    await anna.expect("What time is it for you now?")
    yekaterinburg = ZoneInfo("Asia/Yekaterinburg")
    await anna.send_text(f"{utcnow().astimezone(yekaterinburg):%H:%M}")
    await anna.expect("Your time zone: Yekaterinburg (Asia/Yekaterinburg)")
    assert (await Client.get(id=client.id)).timezone == "Asia/Yekaterinburg"


async def test_the_main_menu_leads_to_the_zone(person: Callable[..., Person]) -> None:
    anna = person("en")
    client = await register(anna, "Europe/London")
    await anna.click("🕐 Time zone")
    await anna.expect("Your time zone now: London.")
    await anna.click("Berlin")
    await anna.expect("Your time zone: Berlin (Europe/Berlin)")
    assert (await Client.get(id=client.id)).timezone == "Europe/Berlin"


async def test_a_zone_the_bot_does_not_know_is_refused_politely(
    person: Callable[..., Person], emulator: BotApiEmulator
) -> None:
    anna = person("ru")
    client = await register(anna)
    await anna.send_text("/timezone")
    for typed in ("Атлантида", "25:99"):
        await anna.send_text(typed)
        refusal = anna.last()
        assert refusal["text"].startswith("Простите, я не знаю такого города"), typed
        assert any(b["text"] == "Москва" for b in anna.buttons(refusal))
    # What a modified client can send: a zone no button offers.
    forged = emulator.send_callback_query(TOKEN, anna.id, "z:pick:Mars/Olympus:0", anna.last())
    await emulator.wait_for_callback_answer(forged["callback_query"]["id"])
    await anna.expect("Эта кнопка устарела.")
    assert (await Client.get(id=client.id)).timezone == "Europe/Moscow"

    await anna.send_text("Берлин")  # the second chance
    await anna.expect("Ваш часовой пояс: Берлин (Europe/Berlin)")
    assert (await Client.get(id=client.id)).timezone == "Europe/Berlin"
