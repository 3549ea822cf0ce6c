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
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import AppointmentAction, AppointmentCb, Menu, MenuCb, Mode
from bot.filters import OwnAppointment, RegisteredClient
from bot.handlers.booking import initiator_of
from bot.keyboards.common import calendar_feed_button, home_keyboard, menu_button
from bot.states import Cancelling
from bot.views import (
    Screen,
    appointment_screen,
    card,
    first_week_with_slots,
    show,
    typed,
    waitlist_button,
    week_screen,
    when,
    zone_label,
    zone_of,
)
from domain.booking import choices, client_booking, sessions, waitlist
from domain.booking.sessions import Session
from domain.errors import DomainError, SessionBegun
from domain.people.profiles import ClientProfile
from services import Services

Action = AppointmentAction


def _appointment_button(text: str, action: Action, appointment_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text,
        callback_data=AppointmentCb(action=action, appointment_id=appointment_id).pack(),
    )


async def sessions_screen(client: ClientProfile) -> Screen:
    upcoming = await sessions.upcoming_of_client(client.id)
    tz = zone_of(client)
    builder = InlineKeyboardBuilder()
    for appointment in upcoming:
        builder.row(
            _appointment_button(
                f"{'↻ ' if appointment.series_id else ''}"
                f"{when(appointment.starts_at, tz)} · {appointment.psychologist.name}",
                Action.OPEN,
                appointment.id,
            )
        )
    if await waitlist.mine(client.id):
        builder.row(waitlist_button())
    builder.row(menu_button(_("📅 Book a session"), Menu.BOOK))
    builder.row(calendar_feed_button())
    builder.row(menu_button(_("🏠 Main menu"), Menu.HOME))
    if not upcoming:
        return _("You have no upcoming sessions."), builder.as_markup()
    return _("Your upcoming sessions ({zone}):").format(zone=zone_label(tz)), builder.as_markup()


async def cmd_sessions(message: Message, state: FSMContext, client: ClientProfile) -> None:
    await state.set_state(None)
    text, markup = await sessions_screen(client)
    await message.answer(text, reply_markup=markup)


async def on_sessions(callback: CallbackQuery, state: FSMContext, client: ClientProfile) -> None:
    await state.set_state(None)
    await show(callback, await sessions_screen(client))


async def on_gone(
    callback: CallbackQuery, client: ClientProfile, callback_answer: CallbackAnswer
) -> None:
    """A button of a session that is not (or no longer) the client's to change."""
    callback_answer.text = _("This session is no longer available; here is the current list.")
    await show(callback, await sessions_screen(client))


async def on_open(callback: CallbackQuery, client: ClientProfile, appointment: Session) -> None:
    await show(callback, appointment_screen(appointment, client))


async def on_confirm(
    callback: CallbackQuery,
    callback_data: AppointmentCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        appointment = await client_booking.confirm_own(
            client.id, callback_data.appointment_id, initiator_of(client)
        )
    except DomainError:
        await on_gone(callback, client, callback_answer)
        return
    callback_answer.text = _("Thank you! The session is confirmed.")
    await show(callback, appointment_screen(appointment, client))


async def on_reschedule(callback: CallbackQuery, appointment: Session) -> None:
    name = appointment.psychologist.name
    markup = home_keyboard(
        _appointment_button(
            _("🕒 Another time with {name}").format(name=name), Action.MOVE, appointment.id
        ),
        _appointment_button(_("👥 Another psychologist"), Action.SWITCH, appointment.id),
        _appointment_button(_("↩ Back to the session"), Action.OPEN, appointment.id),
    )
    await show(callback, (_("How would you like to change the session?"), markup))


async def on_move(callback: CallbackQuery, client: ClientProfile, appointment: Session) -> None:
    week = await first_week_with_slots(appointment.psychologist, client)
    await show(
        callback,
        await week_screen(appointment.psychologist, week, client, Mode.MOVE, appointment.id),
    )


async def on_switch(callback: CallbackQuery, client: ClientProfile, appointment: Session) -> None:
    people = await choices.matching_psychologists(
        appointment.queries, None, exclude_id=appointment.psychologist.id
    )
    back = _appointment_button(_("↩ Back to the session"), Action.OPEN, appointment.id)
    if not people:
        await show(
            callback,
            (
                _("No other psychologist has free times right now. Please try later."),
                home_keyboard(back),
            ),
        )
        return
    await show(
        callback,
        (
            _("Other psychologists for your requests; your requests stay as they are:"),
            home_keyboard(back),
        ),
    )
    for person in people:
        text, markup = card(person, Mode.SWITCH, appointment.id)
        await callback.bot.send_message(client.telegram_id, text, reply_markup=markup)


async def on_cancel(
    callback: CallbackQuery,
    *,
    state: FSMContext,
    client: ClientProfile,
    appointment: Session,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """A late cancel is warned of and confirmed first; any other goes on to the reason."""
    hours = services.settings.late_cancel_hours
    try:
        late = client_booking.cancel_is_late(appointment, hours)
    except SessionBegun:
        callback_answer.text = _(
            "The session has already begun, so it can no longer be cancelled."
        )
        await on_open(callback, client, appointment)
        return
    if not late:
        await on_cancel_confirmed(callback, state, client, appointment)
        return
    tz = zone_of(client)
    text = ngettext(
        "Less than {hours} hour is left before the session with {name} on {when} ({zone}). "
        "If you cancel it now, it counts as a late cancellation.\n"
        "Would you still like to cancel it?",
        "Less than {hours} hours are left before the session with {name} on {when} ({zone}). "
        "If you cancel it now, it counts as a late cancellation.\n"
        "Would you still like to cancel it?",
        hours,
    ).format(
        hours=hours,
        name=appointment.psychologist.name,
        when=when(appointment.starts_at, tz),
        zone=zone_label(tz),
    )
    markup = home_keyboard(
        _appointment_button(_("Yes, cancel it"), Action.CANCEL_LATE, appointment.id),
        _appointment_button(_("Keep the session"), Action.KEEP, appointment.id),
    )
    await show(callback, (text, markup))


async def on_cancel_confirmed(
    callback: CallbackQuery, state: FSMContext, client: ClientProfile, appointment: Session
) -> None:
    """Ask why the client cancels; the cancel follows their answer."""
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


async def _cancel(
    client: ClientProfile, appointment_id: int, reason: str, services: Services
) -> str:
    appointment = await client_booking.cancel_own(
        client.id,
        appointment_id,
        initiator_of(client),
        reason=reason,
        late_cancel_hours=services.settings.late_cancel_hours,
    )
    tz = zone_of(client)
    return _("The session with {name} on {when} ({zone}) is cancelled.").format(
        name=appointment.psychologist.name,
        when=when(appointment.starts_at, tz),
        zone=zone_label(tz),
    )


async def on_cancel_without_reason(
    callback: CallbackQuery,
    *,
    callback_data: AppointmentCb,
    state: FSMContext,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
    services: Services,
) -> None:
    await state.set_state(None)
    try:
        text = await _cancel(client, callback_data.appointment_id, "", services)
    except DomainError:
        await on_gone(callback, client, callback_answer)
        return
    await show(callback, (text, home_keyboard(menu_button(_("📅 Book a session"), Menu.BOOK))))


async def on_keep(
    callback: CallbackQuery, state: FSMContext, client: ClientProfile, appointment: Session
) -> None:
    await state.set_state(None)
    await on_open(callback, client, appointment)


async def process_cancel_reason(
    message: Message, state: FSMContext, client: ClientProfile, services: Services
) -> None:
    appointment_id = int((await state.get_data()).get("appointment_id") or 0)
    await state.set_state(None)
    try:
        text = await _cancel(client, appointment_id, typed(message, 1000), services)
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


def router() -> Router:
    """A session's buttons open on the client's own session (OwnAppointment injects it); the
    tap of any other falls through to `on_gone`, registered last."""
    routes = Router(name=__name__)
    routes.message.filter(RegisteredClient())
    routes.callback_query.filter(RegisteredClient())
    taps = routes.callback_query

    routes.message.register(cmd_sessions, Command("sessions"))
    taps.register(on_sessions, MenuCb.filter(F.item == Menu.SESSIONS))
    taps.register(on_open, AppointmentCb.filter(F.action == Action.OPEN), OwnAppointment())
    taps.register(on_confirm, AppointmentCb.filter(F.action == Action.CONFIRM))
    taps.register(
        on_reschedule, AppointmentCb.filter(F.action == Action.RESCHEDULE), OwnAppointment()
    )
    taps.register(on_move, AppointmentCb.filter(F.action == Action.MOVE), OwnAppointment())
    taps.register(on_switch, AppointmentCb.filter(F.action == Action.SWITCH), OwnAppointment())
    taps.register(
        on_cancel, AppointmentCb.filter(F.action == Action.CANCEL), OwnAppointment(active=True)
    )
    taps.register(
        on_cancel_confirmed,
        AppointmentCb.filter(F.action == Action.CANCEL_LATE),
        OwnAppointment(active=True),
    )
    taps.register(on_cancel_without_reason, AppointmentCb.filter(F.action == Action.SKIP_REASON))
    taps.register(on_keep, AppointmentCb.filter(F.action == Action.KEEP), OwnAppointment())
    routes.message.register(process_cancel_reason, Cancelling.reason, F.text)
    taps.register(on_gone, AppointmentCb.filter())
    return routes
