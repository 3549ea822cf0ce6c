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
from bot.filters import RegisteredClient
from bot.handlers.fallback import on_stale_button
from bot.keyboards.common import home_keyboard, menu_button
from bot.states import Booking
from bot.views import (
    card,
    first_week_with_slots,
    hold_screen,
    show,
    slot_problem,
    typed,
    week_of,
    week_screen,
    when,
    zone_label,
    zone_of,
)
from db.enums import Actor
from db.models import Client
from domain import bot_views
from domain.audit import Initiator
from domain.booking import appointments, reassignment
from domain.booking.statuses import ACTIVE
from domain.bot_views import Person
from domain.errors import DomainError, HoldRequired
from domain.timerules import utcnow
from services import Services

router = Router(name=__name__)
router.message.filter(RegisteredClient())
router.callback_query.filter(RegisteredClient())

PRICE_CHOICES = (2000, 3500, 5000)


def initiator_of(client: Client) -> Initiator:
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


@router.callback_query(MenuCb.filter(F.item == Menu.BOOK))
async def on_book(callback: CallbackQuery, state: FSMContext, client: Client) -> None:
    await appointments.release_hold(client.id)
    offered = await bot_views.known_queries()
    await state.set_state(Booking.requests)
    await state.set_data({"offered": offered, "chosen": [], "note": ""})
    await show(callback, requests_screen(offered, []))


@router.callback_query(Booking.requests, QueryCb.filter(F.index >= 0))
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


@router.callback_query(Booking.requests, QueryCb.filter(F.index < 0))
async def on_queries_done(callback: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Booking.preferences)
    await show(callback, preferences_screen())


@router.message(Booking.requests, F.text)
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


@router.callback_query(PriceCb.filter())
async def on_price(
    callback: CallbackQuery, callback_data: PriceCb, state: FSMContext, client: Client
) -> None:
    await state.update_data(max_price=callback_data.max_price)
    await state.set_state(Booking.choosing)
    queries = chosen_queries(await state.get_data())
    people = await bot_views.matching_psychologists(queries, callback_data.max_price or None)
    if not people:
        await show(
            callback,
            (
                _(
                    "No psychologist has free times for this request at this price right now. "
                    "Please try another price, or come back a bit later."
                ),
                home_keyboard(menu_button(_("📅 Start again"), Menu.BOOK)),
            ),
        )
        return
    await show(callback, (_("These psychologists suit your request:"), home_keyboard()))
    for person in people:
        text, markup = card(person, Mode.BOOK, 0)
        await callback.bot.send_message(client.telegram_id, text, reply_markup=markup)


@router.callback_query(PsychologistCb.filter())
async def on_psychologist(
    callback: CallbackQuery, callback_data: PsychologistCb, client: Client
) -> None:
    chosen = await bot_views.psychologist(callback_data.psychologist_id)
    week = await first_week_with_slots(chosen, client)
    await show(
        callback,
        await week_screen(chosen, week, client, callback_data.mode, callback_data.appointment_id),
    )


@router.callback_query(WeekCb.filter())
async def on_week(callback: CallbackQuery, callback_data: WeekCb, client: Client) -> None:
    chosen = await bot_views.psychologist(callback_data.psychologist_id)
    week = min(max(callback_data.week, 0), bot_views.MAX_WEEKS_AHEAD)
    await show(
        callback,
        await week_screen(chosen, week, client, callback_data.mode, callback_data.appointment_id),
    )


async def fresh_week(
    slot_id: int, client: Client, mode: Mode, appointment_id: int, note: str
) -> tuple[str, Any]:
    """The week of the slot's psychologist around the slot, after a problem with it."""
    slot = await bot_views.slot_with_psychologist(slot_id)
    week = week_of(slot.starts_at, zone_of(client))
    return await week_screen(slot.psychologist, week, client, mode, appointment_id, note=note)


async def _not_own_session(callback_data: SlotCb, client: Client) -> bool:
    """A time for a move or switch of a session that is not this client's active one (a
    forged button, or one left from before the session was cancelled)."""
    if callback_data.mode == Mode.BOOK and not callback_data.appointment_id:
        return False
    try:
        appointment = await bot_views.own_appointment(client.id, callback_data.appointment_id)
    except DomainError:
        return True
    return callback_data.mode == Mode.BOOK or appointment.status not in ACTIVE


@router.callback_query(SlotCb.filter())
async def on_slot(
    callback: CallbackQuery,
    *,
    callback_data: SlotCb,
    client: Client,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    person: Person,
    services: Services,
) -> None:
    if await _not_own_session(callback_data, client):
        # Checked before the hold: a forged button must not hold a time.
        await on_stale_button(callback, state, person, services, callback_answer)
        return
    fields = (client, callback_data.mode, callback_data.appointment_id)
    try:
        if callback_data.mode == Mode.BOOK:  # told before a time is held for nothing
            await appointments.check_booking_limit(
                client.id, services.settings.max_active_bookings, utcnow()
            )
        hold = await appointments.hold_slot(client.id, callback_data.slot_id)
    except DomainError as error:
        note = slot_problem(error)
        callback_answer.text = note
        await show(callback, await fresh_week(callback_data.slot_id, *fields, note))
        return
    slot = await bot_views.slot_with_psychologist(hold.slot_id)
    await show(callback, hold_screen(slot, hold.held_until, *fields))


@router.callback_query(HoldCb.filter(F.action == HoldAction.BACK))
async def on_hold_back(callback: CallbackQuery, callback_data: HoldCb, client: Client) -> None:
    await appointments.release_hold(client.id)
    await show(
        callback,
        await fresh_week(
            callback_data.slot_id, client, callback_data.mode, callback_data.appointment_id, ""
        ),
    )


@router.callback_query(HoldCb.filter(F.action == HoldAction.REFRESH))
async def on_hold_refresh(
    callback: CallbackQuery, callback_data: HoldCb, client: Client, callback_answer: CallbackAnswer
) -> None:
    slot = await bot_views.slot_with_psychologist(callback_data.slot_id)
    fields = (client, callback_data.mode, callback_data.appointment_id)
    if slot.held_by_id == client.id and slot.held_until and slot.held_until > utcnow():
        await show(callback, hold_screen(slot, slot.held_until, *fields))
        return
    note = slot_problem(HoldRequired("the hold has run out"))
    callback_answer.text = note
    await show(callback, await fresh_week(slot.id, *fields, note))


async def complete(
    callback_data: HoldCb, client: Client, data: dict[str, Any], max_active: int
) -> str:
    """Book (at most `max_active` upcoming sessions), move or switch as the mode says;
    answers the text of the outcome."""
    slot = await bot_views.slot_with_psychologist(callback_data.slot_id)
    tz = zone_of(client)
    moment = {
        "name": slot.psychologist.name,
        "when": when(slot.starts_at, tz),
        "zone": zone_label(tz),
    }
    if callback_data.mode == Mode.BOOK:
        ticket = await bot_views.open_request(
            client.id,
            chosen_queries(data),
            {"max_price": data.get("max_price") or None, "source": "bot"},
            slot.psychologist.name,
            slot.starts_at,
        )
        try:
            await appointments.book(
                client.id,
                slot.id,
                initiator_of(client),
                ticket_id=ticket.id,
                max_active=max_active,
            )
        except DomainError:
            await bot_views.drop_request(ticket.id)
            raise
        return _(
            "🎉 You are booked: {name}, {when} ({zone}).\n"
            "We will ask you to confirm the day before and send the video link before the "
            "session."
        ).format(**moment)
    appointment = await bot_views.own_appointment(client.id, callback_data.appointment_id)
    if callback_data.mode == Mode.SWITCH and appointment.ticket is not None:
        # reassign() takes only free slots: give back the hold right before it books.
        await appointments.release_hold(client.id)
        await reassignment.reassign(
            appointment.ticket.number,
            [slot.psychologist.name],
            [slot.starts_at],
            list(appointment.ticket.queries),
            initiator_of(client),
        )
    else:
        await appointments.reschedule(appointment.id, slot.id, initiator_of(client))
    return _("✅ Your session is now with {name}, {when} ({zone}).").format(**moment)


@router.callback_query(HoldCb.filter(F.action == HoldAction.CONFIRM))
async def on_hold_confirm(
    callback: CallbackQuery,
    *,
    callback_data: HoldCb,
    state: FSMContext,
    client: Client,
    callback_answer: CallbackAnswer,
    services: Services,
) -> None:
    try:
        text = await complete(
            callback_data, client, await state.get_data(), services.settings.max_active_bookings
        )
    except DomainError as error:
        note = slot_problem(error)
        callback_answer.text = note
        await show(
            callback,
            await fresh_week(
                callback_data.slot_id,
                client,
                callback_data.mode,
                callback_data.appointment_id,
                note,
            ),
        )
        return
    await state.clear()
    await show(callback, (text, home_keyboard(menu_button(_("🗂 My sessions"), Menu.SESSIONS))))
