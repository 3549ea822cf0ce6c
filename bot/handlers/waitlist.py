"""The waitlist in the bot: where there is no free time, join the line (a window in one tap);
the offer's message books the time it holds; one's entries, with a button to leave each.

The offer itself is a message from the waitlist's pass (domain.booking.waitlist_offers); its
button (bot/keyboards/outbox.py) lands here."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import Menu, WaitlistAction, WaitlistCb
from bot.filters import RegisteredClient
from bot.handlers.booking import booked_text, chosen_queries, initiator_of
from bot.keyboards.common import home_keyboard, menu_button
from bot.states import Booking
from bot.views import Screen, show, slot_problem, waitlist_button, when, zone_label, zone_of
from domain.booking import waitlist, waitlist_offers
from domain.booking.waitlist import Place, Preset
from domain.booking.waitlist_offers import OfferClosed
from domain.errors import DomainError
from domain.i18n import N_
from domain.people.profiles import ClientProfile
from domain.timerules import utcnow
from domain.values import WaitlistState
from services import Services

# The windows offered, by their position (the button's value).
PRESETS = (
    (Preset.ANY, N_("Any time in the next 2 weeks")),
    (Preset.EVENINGS, N_("Weekday evenings (18:00–22:00)")),
    (Preset.WEEKENDS, N_("Weekends")),
)


def _button(text: str, action: WaitlistAction, **fields: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=WaitlistCb(action=action, **fields).pack()
    )


def windows_screen(psychologist_id: int) -> Screen:
    builder = InlineKeyboardBuilder()
    for index, (_preset, label) in enumerate(PRESETS):
        builder.row(
            _button(_(label), WaitlistAction.WINDOW, value=index, psychologist_id=psychologist_id)
        )
    builder.row(menu_button(_("🏠 Main menu"), Menu.HOME))
    text = _(
        "When could you come? We will message you as soon as a matching time is free; "
        "it is then held for you alone for a while."
    )
    return text, builder.as_markup()


async def on_join(callback: CallbackQuery, callback_data: WaitlistCb) -> None:
    await show(callback, windows_screen(callback_data.psychologist_id))


async def on_window(
    callback: CallbackQuery,
    callback_data: WaitlistCb,
    state: FSMContext,
    client: ClientProfile,
) -> None:
    preset, _label = PRESETS[callback_data.value]
    # Waiting for any psychologist: for what the client has just chosen in the booking flow,
    # else for their latest request (the domain's default).
    queries = None
    if not callback_data.psychologist_id and await state.get_state() == Booking.choosing:
        queries = chosen_queries(await state.get_data()) or None
    try:
        _entry, position = await waitlist.join(
            client.id,
            callback_data.psychologist_id or None,
            waitlist.preset_window(preset, client.timezone, utcnow()),
            queries=queries,
        )
    except DomainError as error:  # the psychologist left meanwhile
        await show(callback, (slot_problem(error), home_keyboard()))
        return
    await state.set_state(None)
    text = _(
        "⏳ You are on the waitlist: number {position} in line. When a matching time is free "
        "we will message you, and it will be held for you."
    ).format(position=position)
    await show(callback, (text, home_keyboard(waitlist_button())))


def _entry_line(place: Place, client: ClientProfile) -> str:
    who = place.psychologist_name or _("any psychologist")
    window = place.window
    days = f"{window.date_from:%d.%m}–{window.date_to:%d.%m}"
    if place.state == WaitlistState.OFFERED and place.offer is not None:
        tz = zone_of(client)
        status = _("a time is held for you until {until}").format(
            until=when(place.offer.expires_at, tz)
        )
    else:
        status = _("number {position} in line").format(position=place.position)
    return f"• {who}, {days}: {status}"


async def waitlist_screen(client: ClientProfile) -> Screen:
    places = await waitlist.mine(client.id)
    builder = InlineKeyboardBuilder()
    for number, place in enumerate(places, start=1):
        builder.row(
            _button(
                _("✖ Leave #{number}").format(number=number),
                WaitlistAction.LEAVE,
                value=place.entry_id,
            )
        )
    builder.row(menu_button(_("🗂 My sessions"), Menu.SESSIONS))
    builder.row(menu_button(_("🏠 Main menu"), Menu.HOME))
    if not places:
        return _("You are not on the waitlist."), builder.as_markup()
    lines = [
        f"#{number} {_entry_line(place, client)}" for number, place in enumerate(places, start=1)
    ]
    head = _("Your waitlist ({zone}):").format(zone=zone_label(zone_of(client)))
    return "\n".join([head, *lines]), builder.as_markup()


async def on_list(callback: CallbackQuery, client: ClientProfile) -> None:
    await show(callback, await waitlist_screen(client))


async def on_leave(
    callback: CallbackQuery,
    callback_data: WaitlistCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        await waitlist.leave(client.id, callback_data.value)
    except DomainError:
        callback_answer.text = _("You have already left this line.")
    else:
        callback_answer.text = _("You have left the line.")
    await show(callback, await waitlist_screen(client))


async def on_take(
    callback: CallbackQuery,
    callback_data: WaitlistCb,
    client: ClientProfile,
    services: Services,
) -> None:
    try:
        session = await waitlist_offers.take_offer(
            client.id,
            callback_data.value,
            initiator_of(client),
            max_active=services.settings.max_active_bookings,
        )
    except OfferClosed:
        text = _(
            "Sorry, this offer is over: the time is no longer held for you. You keep your "
            "place in line, and we will message you about the next free time."
        )
        await show(callback, (text, home_keyboard(waitlist_button())))
        return
    except DomainError as error:
        await show(callback, (slot_problem(error), home_keyboard(waitlist_button())))
        return
    markup = home_keyboard(menu_button(_("🗂 My sessions"), Menu.SESSIONS))
    await show(callback, (booked_text(session, client), markup))


def router() -> Router:
    """Another's offer or entry is refused by the domain (NotFound) and answered politely; a
    window the list does not have is answered as an outdated button by the fallback."""
    routes = Router(name=__name__)
    routes.callback_query.filter(RegisteredClient())
    taps = routes.callback_query
    taps.register(on_join, WaitlistCb.filter(F.action == WaitlistAction.JOIN))
    taps.register(
        on_window,
        WaitlistCb.filter((F.action == WaitlistAction.WINDOW) & (F.value < len(PRESETS))),
    )
    taps.register(on_list, WaitlistCb.filter(F.action == WaitlistAction.LIST))
    taps.register(on_leave, WaitlistCb.filter(F.action == WaitlistAction.LEAVE))
    taps.register(on_take, WaitlistCb.filter(F.action == WaitlistAction.TAKE))
    return routes
