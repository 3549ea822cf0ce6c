"""My sessions: the list, one session, confirm, cancel with a reason, and reassignment
(another time with the same psychologist, or another psychologist keeping the requests).
Also the buttons of the scheduler's messages (confirm / reschedule / cancel); ratings are in
bot/handlers/reviews.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import AppointmentAction, AppointmentCb, Menu, MenuCb, Mode
from bot.filters import RegisteredClient
from bot.handlers.booking import initiator_of
from bot.keyboards.common import home_keyboard, menu_button
from bot.states import Cancelling
from bot.views import (
    appointment_screen,
    card,
    first_week_with_slots,
    show,
    typed,
    week_screen,
    when,
    zone_label,
    zone_of,
)
from db.models import Appointment, Client
from domain import bot_views
from domain.booking import appointments
from domain.booking.statuses import ACTIVE
from domain.errors import DomainError

router = Router(name=__name__)
router.message.filter(RegisteredClient())
router.callback_query.filter(RegisteredClient())

Action = AppointmentAction


def _appointment_button(text: str, action: Action, appointment_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text,
        callback_data=AppointmentCb(action=action, appointment_id=appointment_id).pack(),
    )


async def sessions_screen(client: Client) -> tuple[str, object]:
    upcoming = await bot_views.upcoming_of_client(client.id)
    tz = zone_of(client)
    builder = InlineKeyboardBuilder()
    for appointment in upcoming:
        builder.row(
            _appointment_button(
                f"{when(appointment.starts_at, tz)} · {appointment.psychologist.name}",
                Action.OPEN,
                appointment.id,
            )
        )
    builder.row(menu_button(_("📅 Book a session"), Menu.BOOK))
    builder.row(menu_button(_("🏠 Main menu"), Menu.HOME))
    if not upcoming:
        return _("You have no upcoming sessions."), builder.as_markup()
    return _("Your upcoming sessions ({zone}):").format(zone=zone_label(tz)), builder.as_markup()


@router.message(Command("sessions"))
async def cmd_sessions(message: Message, state: FSMContext, client: Client) -> None:
    await state.set_state(None)
    text, markup = await sessions_screen(client)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MenuCb.filter(F.item == Menu.SESSIONS))
async def on_sessions(callback: CallbackQuery, state: FSMContext, client: Client) -> None:
    await state.set_state(None)
    await show(callback, await sessions_screen(client))


async def _gone(callback: CallbackQuery, client: Client, answer: CallbackAnswer) -> None:
    """A button of a session that is not (or no longer) the client's to change."""
    answer.text = _("This session is no longer available; here is the current list.")
    await show(callback, await sessions_screen(client))


async def _own(
    callback: CallbackQuery, callback_data: AppointmentCb, client: Client, answer: CallbackAnswer
) -> Appointment | None:
    """The client's appointment the button names; None (and the list shown) otherwise."""
    try:
        return await bot_views.own_appointment(client.id, callback_data.appointment_id)
    except DomainError:
        await _gone(callback, client, answer)
        return None


@router.callback_query(AppointmentCb.filter(F.action == Action.OPEN))
async def on_open(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    appointment = await _own(callback, callback_data, client, callback_answer)
    if appointment is None:
        return
    await show(callback, appointment_screen(appointment, client))


@router.callback_query(AppointmentCb.filter(F.action == Action.CONFIRM))
async def on_confirm(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        await bot_views.own_appointment(client.id, callback_data.appointment_id)
        await appointments.confirm(callback_data.appointment_id, initiator_of(client))
    except DomainError:
        await _gone(callback, client, callback_answer)
        return
    callback_answer.text = _("Thank you! The session is confirmed.")
    appointment = await bot_views.own_appointment(client.id, callback_data.appointment_id)
    await show(callback, appointment_screen(appointment, client))


@router.callback_query(AppointmentCb.filter(F.action == Action.RESCHEDULE))
async def on_reschedule(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    appointment = await _own(callback, callback_data, client, callback_answer)
    if appointment is None:
        return
    name = appointment.psychologist.name
    markup = home_keyboard(
        _appointment_button(
            _("🕒 Another time with {name}").format(name=name), Action.MOVE, appointment.id
        ),
        _appointment_button(_("👥 Another psychologist"), Action.SWITCH, appointment.id),
        _appointment_button(_("↩ Back to the session"), Action.OPEN, appointment.id),
    )
    await show(callback, (_("How would you like to change the session?"), markup))


@router.callback_query(AppointmentCb.filter(F.action == Action.MOVE))
async def on_move(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    appointment = await _own(callback, callback_data, client, callback_answer)
    if appointment is None:
        return
    week = await first_week_with_slots(appointment.psychologist, client)
    await show(
        callback,
        await week_screen(appointment.psychologist, week, client, Mode.MOVE, appointment.id),
    )


@router.callback_query(AppointmentCb.filter(F.action == Action.SWITCH))
async def on_switch(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    appointment = await _own(callback, callback_data, client, callback_answer)
    if appointment is None:
        return
    queries = list(appointment.ticket.queries) if appointment.ticket else []
    people = await bot_views.matching_psychologists(
        queries, None, exclude_id=appointment.psychologist_id
    )
    if not people:
        await show(
            callback,
            (
                _("No other psychologist has free times right now. Please try later."),
                home_keyboard(
                    _appointment_button(_("↩ Back to the session"), Action.OPEN, appointment.id)
                ),
            ),
        )
        return
    await show(
        callback,
        (
            _("Other psychologists for your requests; your requests stay as they are:"),
            home_keyboard(
                _appointment_button(_("↩ Back to the session"), Action.OPEN, appointment.id)
            ),
        ),
    )
    for person in people:
        text, markup = card(person, Mode.SWITCH, appointment.id)
        await callback.bot.send_message(client.telegram_id, text, reply_markup=markup)


@router.callback_query(AppointmentCb.filter(F.action == Action.CANCEL))
async def on_cancel(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    state: FSMContext,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    appointment = await _own(callback, callback_data, client, callback_answer)
    if appointment is None:
        return
    if not await _still_active(appointment):
        await _gone(callback, client, callback_answer)
        return
    await state.set_state(Cancelling.reason)
    await state.update_data(appointment_id=appointment.id)
    tz = zone_of(client)
    text = _(
        "Cancel the session with {name} on {when} ({zone})?\n"
        "Please tell us why in a message, or tap «Cancel without a reason»."
    ).format(
        name=appointment.psychologist.name,
        when=when(appointment.starts_at, tz),
        zone=zone_label(tz),
    )
    markup = home_keyboard(
        _appointment_button(_("Cancel without a reason"), Action.SKIP_REASON, appointment.id),
        _appointment_button(_("Keep the session"), Action.KEEP, appointment.id),
    )
    await show(callback, (text, markup))


async def _still_active(appointment: Appointment) -> bool:
    return appointment.status in ACTIVE


async def _cancel(client: Client, appointment_id: int, reason: str) -> str:
    appointment = await bot_views.own_appointment(client.id, appointment_id)
    await appointments.cancel(appointment.id, initiator_of(client), reason=reason)
    tz = zone_of(client)
    return _("The session with {name} on {when} ({zone}) is cancelled.").format(
        name=appointment.psychologist.name,
        when=when(appointment.starts_at, tz),
        zone=zone_label(tz),
    )


@router.callback_query(AppointmentCb.filter(F.action == Action.SKIP_REASON))
async def on_cancel_without_reason(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    state: FSMContext,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    await state.set_state(None)
    try:
        text = await _cancel(client, callback_data.appointment_id, "")
    except DomainError:
        await _gone(callback, client, callback_answer)
        return
    await show(callback, (text, home_keyboard(menu_button(_("📅 Book a session"), Menu.BOOK))))


@router.callback_query(AppointmentCb.filter(F.action == Action.KEEP))
async def on_keep(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    state: FSMContext,
    client: Client,
    callback_answer: CallbackAnswer,
) -> None:
    await state.set_state(None)
    await on_open(callback, callback_data, client, callback_answer)


@router.message(Cancelling.reason, F.text)
async def process_cancel_reason(message: Message, state: FSMContext, client: Client) -> None:
    appointment_id = int((await state.get_data()).get("appointment_id") or 0)
    await state.set_state(None)
    try:
        text = await _cancel(client, appointment_id, typed(message, 1000))
    except DomainError:
        text, markup = await sessions_screen(client)
        await message.answer(
            _("This session is no longer available; here is the current list.") + "\n\n" + text,
            reply_markup=markup,
        )
        return
    await message.answer(
        text, reply_markup=home_keyboard(menu_button(_("📅 Book a session"), Menu.BOOK))
    )
