"""Calendars: a booked session as an .ics file, and the address of one's calendar feed (a
client's or a psychologist's) with how to subscribe to it."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.callbacks import CalendarFileCb, Menu, MenuCb
from bot.filters import IsPsychologist, RegisteredClient
from bot.keyboards.common import home_keyboard
from bot.views import show
from domain.booking import calendar
from domain.errors import DomainError
from domain.people.profiles import ClientProfile
from domain.values import Actor
from services import Services


def file_button(appointment_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=_("📅 Add to calendar"),
        callback_data=CalendarFileCb(appointment_id=appointment_id).pack(),
    )


def _host(services: Services) -> str:
    return urlsplit(services.settings.base_url).hostname or "localhost"


async def on_file(
    callback: CallbackQuery,
    callback_data: CalendarFileCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
    services: Services,
) -> None:
    appointment_id = callback_data.appointment_id
    try:
        body = await calendar.session_file(
            client.id, appointment_id, client.language, _host(services)
        )
    except DomainError:
        callback_answer.text = _("This session is not in your list any more.")
        return
    if callback.bot is None:
        return
    await callback.bot.send_document(
        callback.from_user.id,
        BufferedInputFile(body, filename=f"session-{appointment_id}.ics"),
        caption=_("Open the file to add the session to your calendar."),
    )


def _feed_text(url: str) -> str:
    return _(
        "🔗 Your calendar feed:\n{url}\n\n"
        "Subscribe to it by this address: in Google Calendar «Other calendars» → «From URL», "
        "in Apple Calendar «File» → «New Calendar Subscription», in Outlook «Add calendar» → "
        "«Subscribe from web». Your sessions of the last 30 and the next 90 days appear there "
        "and follow every move and cancel.\n"
        "Keep the address to yourself: whoever has it sees your sessions."
    ).format(url=url)


async def _feed_text_for(role: Actor, telegram_id: int, services: Services) -> str:
    settings = services.settings
    url = await calendar.feed_link(
        role, telegram_id, settings.jwt_secret.get_secret_value(), settings.base_url
    )
    return _feed_text(url)


async def on_client_feed(callback: CallbackQuery, services: Services) -> None:
    text = await _feed_text_for(Actor.CLIENT, callback.from_user.id, services)
    await show(callback, (text, home_keyboard()))


async def on_psychologist_feed(callback: CallbackQuery, services: Services) -> None:
    text = await _feed_text_for(Actor.PSYCHOLOGIST, callback.from_user.id, services)
    await show(callback, (text, home_keyboard()))


async def cmd_client_calendar(message: Message, services: Services) -> None:
    if message.from_user is not None:
        text = await _feed_text_for(Actor.CLIENT, message.from_user.id, services)
        await message.answer(text, reply_markup=home_keyboard())


async def cmd_psychologist_calendar(message: Message, services: Services) -> None:
    if message.from_user is not None:
        text = await _feed_text_for(Actor.PSYCHOLOGIST, message.from_user.id, services)
        await message.answer(text, reply_markup=home_keyboard())


def router() -> Router:
    """A psychologist's feed first: a psychologist who also books as a client reads their
    work calendar."""
    routes = Router(name=__name__)
    feed_tap = MenuCb.filter(F.item == Menu.CALENDAR)
    routes.callback_query.register(on_psychologist_feed, feed_tap, IsPsychologist())
    routes.message.register(cmd_psychologist_calendar, Command("calendar"), IsPsychologist())
    routes.callback_query.register(on_client_feed, feed_tap, RegisteredClient())
    routes.message.register(cmd_client_calendar, Command("calendar"), RegisteredClient())
    routes.callback_query.register(on_file, CalendarFileCb.filter(), RegisteredClient())
    return routes
