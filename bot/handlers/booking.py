"""Booking: requests -> preferences -> psychologist cards -> a week of free times -> a 5-minute
hold with its deadline shown -> confirm. Choosing a time for a move (same psychologist) or a
switch (another psychologist) runs through the same screens with the appointment's id."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    HoldAction,
    HoldCb,
    Menu,
    MenuCb,
    Mode,
    PriceCb,
    PsychologistCb,
    QueryCb,
    SlotCb,
    WeekCb,
)
from bot.filters import OwnAppointment, RegisteredClient
from bot.handlers import calendar
from bot.keyboards.common import home_keyboard, menu_button
from bot.states import Booking
from bot.views import (
    Screen,
    card,
    first_week_with_slots,
    hold_screen,
    join_button,
    show,
    slot_problem,
    typed,
    week_of,
    week_screen,
    when,
    zone_label,
    zone_of,
)
from domain.audit import Initiator
from domain.booking import appointments, choices, client_booking
from domain.booking.client_booking import HeldTime
from domain.booking.sessions import Session
from domain.errors import DomainError, HoldRequired
from domain.people.profiles import ClientProfile
from domain.values import Actor
from services import Services

PRICE_CHOICES = (2000, 3500, 5000)


def initiator_of(client: ClientProfile) -> Initiator:
    return Initiator(Actor.CLIENT, ref=str(client.telegram_id or client.id), source="bot")


def requests_screen(offered: list[str], chosen: list[int]) -> tuple[str, Any]:
    builder = InlineKeyboardBuilder()
    for index, query in enumerate(offered):
        mark = "✓ " if index in chosen else ""
        builder.button(text=f"{mark}{query}", callback_data=QueryCb(index=index))
    builder.button(text=_("Done ▶"), callback_data=QueryCb(index=-1))
    builder.adjust(1)
    text = _(
        "What would you like to work on? Tap the topics that fit (several are fine), "
        "or describe it in your own words in a message. Then tap Done."
    )
    return text, builder.as_markup()


async def on_book(callback: CallbackQuery, state: FSMContext, client: ClientProfile) -> None:
    await appointments.release_hold(client.id)
    offered = await choices.known_queries()
    await state.set_state(Booking.requests)
    await state.set_data({"offered": offered, "chosen": [], "note": ""})
    await show(callback, requests_screen(offered, []))


async def on_query_toggle(
    callback: CallbackQuery, callback_data: QueryCb, state: FSMContext
) -> None:
    data = await state.get_data()
    offered: list[str] = data.get("offered", [])
    chosen: list[int] = list(data.get("chosen", []))
    if callback_data.index < len(offered):
        if callback_data.index in chosen:
            chosen.remove(callback_data.index)
        else:
            chosen.append(callback_data.index)
    await state.update_data(chosen=chosen)
    await show(callback, requests_screen(offered, chosen))


def preferences_screen() -> tuple[str, Any]:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Any price"), callback_data=PriceCb(max_price=0))
    for limit in PRICE_CHOICES:
        builder.button(
            text=_("Up to {price} RUB").format(price=limit), callback_data=PriceCb(max_price=limit)
        )
    builder.adjust(1)
    return _("What price per session suits you?"), builder.as_markup()


async def on_queries_done(callback: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Booking.preferences)
    await show(callback, preferences_screen())


async def process_requests_text(message: Message, state: FSMContext) -> None:
    await state.update_data(note=typed(message, 500))
    await state.set_state(Booking.preferences)
    text, markup = preferences_screen()
    await message.answer(text, reply_markup=markup)


def chosen_queries(data: dict[str, Any]) -> list[str]:
    offered: list[str] = data.get("offered", [])
    queries = [offered[i] for i in data.get("chosen", []) if 0 <= i < len(offered)]
    if data.get("note"):
        queries.append(str(data["note"]))
    return queries


async def on_price(
    callback: CallbackQuery, callback_data: PriceCb, state: FSMContext, client: ClientProfile
) -> None:
    await state.update_data(max_price=callback_data.max_price)
    await state.set_state(Booking.choosing)
    queries = chosen_queries(await state.get_data())
    people = await choices.matching_psychologists(queries, callback_data.max_price or None)
    if not people:
        await show(
            callback,
            (
                _(
                    "No psychologist has free times for this request at this price right now. "
                    "Please try another price, or come back a bit later."
                ),
                home_keyboard(join_button(0), menu_button(_("📅 Start again"), Menu.BOOK)),
            ),
        )
        return
    await show(callback, (_("These psychologists suit your request:"), home_keyboard()))
    for person in people:
        text, markup = card(person, Mode.BOOK, 0)
        await callback.bot.send_message(client.telegram_id, text, reply_markup=markup)


async def on_psychologist(
    callback: CallbackQuery, callback_data: PsychologistCb, client: ClientProfile
) -> None:
    chosen = await choices.psychologist(callback_data.psychologist_id)
    week = await first_week_with_slots(chosen, client)
    await show(
        callback,
        await week_screen(chosen, week, client, callback_data.mode, callback_data.appointment_id),
    )


async def on_week(callback: CallbackQuery, callback_data: WeekCb, client: ClientProfile) -> None:
    chosen = await choices.psychologist(callback_data.psychologist_id)
    week = min(max(callback_data.week, 0), choices.MAX_WEEKS_AHEAD)
    await show(
        callback,
        await week_screen(chosen, week, client, callback_data.mode, callback_data.appointment_id),
    )


async def fresh_week(
    slot_id: int, client: ClientProfile, mode: Mode, appointment_id: int, note: str
) -> Screen:
    """The week of the slot's psychologist around the slot, after a problem with it."""
    time = await choices.chosen_time(slot_id)
    week = week_of(time.starts_at, zone_of(client))
    return await week_screen(time.psychologist, week, client, mode, appointment_id, note=note)


async def show_refused(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    error: DomainError,
    client: ClientProfile,
    slot_id: int,
    *,
    mode: Mode = Mode.BOOK,
    appointment_id: int = 0,
) -> None:
    """The week of the slot's psychologist again, with why the time cannot be taken."""
    note = slot_problem(error)
    callback_answer.text = note
    await show(callback, await fresh_week(slot_id, client, mode, appointment_id, note))


async def _refused(
    callback: CallbackQuery,
    callback_data: SlotCb | HoldCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
    error: DomainError,
) -> None:
    """As show_refused, on the week the client was booking or moving in."""
    await show_refused(
        callback,
        callback_answer,
        error,
        client,
        callback_data.slot_id,
        mode=callback_data.mode,
        appointment_id=callback_data.appointment_id,
    )


def _held(held: HeldTime, callback_data: SlotCb | HoldCb, client: ClientProfile) -> Screen:
    return hold_screen(
        held.time, held.held_until, client, callback_data.mode, callback_data.appointment_id
    )


async def on_slot_to_book(
    callback: CallbackQuery,
    *,
    callback_data: SlotCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
    services: Services,
) -> None:
    try:
        with services.metrics.outcome(services.metrics.holds, "bot", "held"):
            held = await client_booking.hold_to_book(
                client.id, callback_data.slot_id, services.settings.max_active_bookings
            )
    except DomainError as error:
        await _refused(callback, callback_data, client, callback_answer, error)
        return
    await show(callback, _held(held, callback_data, client))


async def on_slot_to_change(
    callback: CallbackQuery,
    *,
    callback_data: SlotCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        held = await client_booking.hold(client.id, callback_data.slot_id)
    except DomainError as error:
        await _refused(callback, callback_data, client, callback_answer, error)
        return
    await show(callback, _held(held, callback_data, client))


async def on_hold_back(
    callback: CallbackQuery, callback_data: HoldCb, client: ClientProfile
) -> None:
    await appointments.release_hold(client.id)
    await show(
        callback,
        await fresh_week(
            callback_data.slot_id, client, callback_data.mode, callback_data.appointment_id, ""
        ),
    )


async def on_hold_refresh(
    callback: CallbackQuery,
    callback_data: HoldCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        held = await client_booking.current_hold(client.id, callback_data.slot_id)
    except HoldRequired as error:
        await _refused(callback, callback_data, client, callback_answer, error)
        return
    await show(callback, _held(held, callback_data, client))


async def complete(
    callback_data: HoldCb, client: ClientProfile, data: dict[str, Any], max_active: int
) -> tuple[str, int]:
    """Book (at most `max_active` upcoming sessions), move or switch as the mode says;
    answers the text of the outcome and the session's id."""
    initiator = initiator_of(client)
    slot_id, appointment_id = callback_data.slot_id, callback_data.appointment_id
    if callback_data.mode == Mode.BOOK:
        preferences = {"max_price": data.get("max_price") or None, "source": "bot"}
        session = await client_booking.book_with_request(
            client.id, slot_id, chosen_queries(data), preferences, initiator, max_active=max_active
        )
    elif callback_data.mode == Mode.SWITCH:
        session = await client_booking.switch_own(client.id, appointment_id, slot_id, initiator)
    else:
        session = await client_booking.move_own(client.id, appointment_id, slot_id, initiator)
    if callback_data.mode == Mode.BOOK:
        return booked_text(session, client), session.id
    moved = _("✅ Your session is now with {name}, {when} ({zone}).")
    return moved.format(**_moment(session, client)), session.id


def _moment(session: Session, client: ClientProfile) -> dict[str, str]:
    tz = zone_of(client)
    return {
        "name": session.psychologist.name,
        "when": when(session.starts_at, tz),
        "zone": zone_label(tz),
    }


def booked_text(session: Session, client: ClientProfile) -> str:
    """What a client reads once a new session is booked."""
    return _(
        "🎉 You are booked: {name}, {when} ({zone}).\n"
        "We will ask you to confirm the day before and send the video link before the "
        "session."
    ).format(**_moment(session, client))


async def on_hold_confirm(
    callback: CallbackQuery,
    *,
    callback_data: HoldCb,
    state: FSMContext,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
    services: Services,
) -> None:
    # a move or a switch of a session is no booking
    series = services.metrics.bookings if callback_data.mode == Mode.BOOK else None
    try:
        with services.metrics.outcome(series, "bot", "booked"):
            text, appointment_id = await complete(
                callback_data,
                client,
                await state.get_data(),
                services.settings.max_active_bookings,
            )
    except DomainError as error:
        await _refused(callback, callback_data, client, callback_answer, error)
        return
    await state.clear()
    sessions_button = menu_button(_("🗂 My sessions"), Menu.SESSIONS)
    if callback_data.mode == Mode.BOOK:  # a new session: offer it to the client's calendar
        markup = home_keyboard(calendar.file_button(appointment_id), sessions_button)
    else:
        markup = home_keyboard(sessions_button)
    await show(callback, (text, markup))


def router() -> Router:
    """A time chosen for a move or a switch must be for the client's own session still to
    take place, and a time for a new booking names no session: any other time's tap (a forged
    button, or one left from before the session was cancelled) holds nothing and is answered
    as an outdated button by the fallback."""
    routes = Router(name=__name__)
    routes.message.filter(RegisteredClient())
    routes.callback_query.filter(RegisteredClient())
    taps = routes.callback_query
    taps.register(on_book, MenuCb.filter(F.item == Menu.BOOK))
    taps.register(on_query_toggle, Booking.requests, QueryCb.filter(F.index >= 0))
    taps.register(on_queries_done, Booking.requests, QueryCb.filter(F.index < 0))
    routes.message.register(process_requests_text, Booking.requests, F.text)
    taps.register(on_price, PriceCb.filter())
    taps.register(on_psychologist, PsychologistCb.filter())
    taps.register(on_week, WeekCb.filter())
    taps.register(on_slot_to_book, SlotCb.filter((F.mode == Mode.BOOK) & (F.appointment_id == 0)))
    taps.register(
        on_slot_to_change, SlotCb.filter(F.mode != Mode.BOOK), OwnAppointment(active=True)
    )
    taps.register(on_hold_back, HoldCb.filter(F.action == HoldAction.BACK))
    taps.register(on_hold_refresh, HoldCb.filter(F.action == HoldAction.REFRESH))
    taps.register(on_hold_confirm, HoldCb.filter(F.action == HoldAction.CONFIRM))
    return routes
