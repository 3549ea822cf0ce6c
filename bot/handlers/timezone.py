"""Where a client is: asked right after registration, changed with /timezone or the menu.

A city button, a typed city, or the local time now ("14:30") gives the zone; every time the
client reads from then on is shown in it.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import Menu, MenuCb, ZoneAction, ZoneCb
from bot.filters import RegisteredClient
from bot.keyboards.common import home_keyboard
from bot.states import ZoneAsk
from bot.views import Screen, show, zone_label
from domain import zones
from domain.errors import InvalidInput
from domain.people import clients
from domain.people.profiles import ClientProfile
from domain.timerules import client_zone, utcnow

CITIES_PER_ROW = 3


def _button(text: str, data: ZoneCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def zone_keyboard(page: int = 0) -> InlineKeyboardMarkup:
    """The common cities (the first few, or the rest on the second page), then the other ways
    to answer."""
    cities = zones.CITIES[: zones.FIRST_PAGE] if page == 0 else zones.CITIES[zones.FIRST_PAGE :]
    builder = InlineKeyboardBuilder()
    for city in cities:
        builder.add(_button(_(city.name), ZoneCb(action=ZoneAction.PICK, zone=city.zone)))
    builder.adjust(CITIES_PER_ROW)
    if page == 0:
        builder.row(_button(_("🌍 Another city"), ZoneCb(action=ZoneAction.PAGE, page=1)))
    else:
        builder.row(_button(_("⬅️ Back"), ZoneCb(action=ZoneAction.PAGE, page=0)))
    builder.row(_button(_("🕐 Type my local time"), ZoneCb(action=ZoneAction.TYPE)))
    return builder.as_markup()


def question(note: str = "") -> Screen:
    """What the client is asked, with the cities' keyboard."""
    text = _(
        "Where are you? We show every time in your time zone.\n"
        "Tap your city or one near you in the same zone, or type a city's name, or type what "
        "time it is for you now (for example 14:30)."
    )
    return "\n\n".join(part for part in (note, text) if part), zone_keyboard()


async def _keep(
    message: Message, zone: str, client: ClientProfile, markup: InlineKeyboardMarkup | None
) -> None:
    """Store the zone and say which it is and how to change it."""
    await clients.set_timezone(client.id, zone)
    tz = client_zone(zone)
    said = _(
        "Your time zone: {label} ({zone}); it is {time} there now. Every time we show you is "
        "in it. To change it, send /timezone."
    ).format(label=zone_label(tz), zone=zone, time=f"{utcnow().astimezone(tz):%H:%M}")
    await message.answer(said, reply_markup=markup)


async def keep_typed(
    message: Message, client: ClientProfile, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """The zone of a typed city or local time, kept; False (after a polite second chance)
    when the text is neither."""
    try:
        zone = zones.zone_of_answer(message.text or "", utcnow())
        await _keep(message, zone, client, markup)
    except InvalidInput:
        note = _(
            "Sorry, I do not know this city, and it is not a time of day either. "
            "Please tap a city below, or type your local time as HH:MM (for example 14:30)."
        )
        text, markup = question(note)
        await message.answer(text, reply_markup=markup)
        return False
    return True


async def keep_tapped(
    callback: CallbackQuery,
    data: ZoneCb,
    client: ClientProfile,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """A tap on the cities' keyboard: True when it chose (and kept) a zone; another page or
    the request for the local time otherwise."""
    if data.action == ZoneAction.PAGE:
        await show(callback, (question()[0], zone_keyboard(data.page)))
        return False
    if data.action == ZoneAction.TYPE:
        text = _("What time is it for you now? Type it as HH:MM, for example 14:30.")
        await show(callback, (text, zone_keyboard()))
        return False
    message = callback.message
    if not isinstance(message, Message):
        return False
    try:
        await _keep(message, data.zone, client, markup)
    except InvalidInput:
        text, markup = question(_("This button is out of date."))
        await message.answer(text, reply_markup=markup)
        return False
    return True


def _current(client: ClientProfile) -> str:
    label = zone_label(client_zone(client.timezone))
    return _("Your time zone now: {label}.").format(label=label)


async def cmd_timezone(message: Message, state: FSMContext, client: ClientProfile) -> None:
    await state.set_state(ZoneAsk.answer)
    text, markup = question(_current(client))
    await message.answer(text, reply_markup=markup)


async def on_menu(callback: CallbackQuery, state: FSMContext, client: ClientProfile) -> None:
    await state.set_state(ZoneAsk.answer)
    await show(callback, question(_current(client)))


async def on_answer(message: Message, state: FSMContext, client: ClientProfile) -> None:
    if await keep_typed(message, client, home_keyboard()):
        await state.set_state(None)


async def on_tap(
    callback: CallbackQuery, callback_data: ZoneCb, state: FSMContext, client: ClientProfile
) -> None:
    if await keep_tapped(callback, callback_data, client, home_keyboard()):
        await state.set_state(None)
    else:
        await state.set_state(ZoneAsk.answer)


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.filter(RegisteredClient())
    routes.callback_query.filter(RegisteredClient())
    routes.message.register(cmd_timezone, Command("timezone"))
    routes.message.register(on_answer, ZoneAsk.answer, F.text)
    routes.callback_query.register(on_tap, ZoneCb.filter())
    routes.callback_query.register(on_menu, MenuCb.filter(F.item == Menu.TIMEZONE))
    return routes
