"""Weekly series in the bot: under a held time, "every week" -> how many weeks -> the series
booked, with the weeks that had no free time; under a session of a series, cancelling the rest
of it (confirmed first)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    AppointmentAction,
    AppointmentCb,
    HoldAction,
    HoldCb,
    Menu,
    SeriesAction,
    SeriesCancelAction,
    SeriesCancelCb,
    SeriesCb,
)
from bot.filters import OwnAppointment, RegisteredClient
from bot.handlers.booking import chosen_queries, initiator_of, show_refused
from bot.keyboards.common import home_keyboard, menu_button
from bot.views import Screen, show, when, zone_label, zone_of
from domain.booking import client_booking, series
from domain.booking.client_booking import BookedWeeks
from domain.booking.sessions import Session
from domain.errors import DomainError
from domain.people.profiles import ClientProfile
from services import Services

WEEK_CHOICES = (4, 6, 8, 12)


def weeks_screen(slot_id: int) -> Screen:
    builder = InlineKeyboardBuilder()
    for weeks in WEEK_CHOICES:
        builder.button(
            text=ngettext("{weeks} week", "{weeks} weeks", weeks).format(weeks=weeks),
            callback_data=SeriesCb(action=SeriesAction.BOOK, slot_id=slot_id, weeks=weeks),
        )
    builder.button(
        text=_("↩ Back"), callback_data=HoldCb(action=HoldAction.REFRESH, slot_id=slot_id)
    )
    builder.adjust(len(WEEK_CHOICES), 1)
    text = _(
        "For how many weeks? The same weekday and time every week, starting with the time you "
        "chose; a week without a free time is skipped."
    )
    return text, builder.as_markup()


async def on_every_week(
    callback: CallbackQuery,
    callback_data: SeriesCb,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        await client_booking.current_hold(client.id, callback_data.slot_id)
    except DomainError as error:
        await show_refused(callback, callback_answer, error, client, callback_data.slot_id)
        return
    await show(callback, weeks_screen(callback_data.slot_id))


def booked_text(booked: BookedWeeks, client: ClientProfile) -> str:
    tz = zone_of(client)
    first = booked.sessions[0]
    lines = [
        _("🎉 You are booked every week with {name} ({zone}):").format(
            name=first.psychologist.name, zone=zone_label(tz)
        ),
        *(f"• {when(session.starts_at, tz)}" for session in booked.sessions),
    ]
    if booked.skipped:
        days = ", ".join(f"{day:%d.%m}" for day in booked.skipped)
        lines.append(
            _("No free time in the weeks of {days}: those weeks are skipped.").format(days=days)
        )
    lines.append(
        _("We will ask you to confirm each session the day before; each can be moved alone.")
    )
    return "\n".join(lines)


async def on_weeks(
    callback: CallbackQuery,
    *,
    callback_data: SeriesCb,
    state: FSMContext,
    client: ClientProfile,
    callback_answer: CallbackAnswer,
    services: Services,
) -> None:
    data = await state.get_data()
    try:
        with services.metrics.outcome(services.metrics.bookings, "bot", "booked"):
            booked = await client_booking.book_series_with_request(
                client.id,
                callback_data.slot_id,
                chosen_queries(data),
                {"max_price": data.get("max_price") or None, "source": "bot"},
                initiator_of(client),
                weeks=callback_data.weeks,
                max_active=services.settings.max_active_bookings,
            )
    except DomainError as error:
        await show_refused(callback, callback_answer, error, client, callback_data.slot_id)
        return
    await state.clear()
    markup = home_keyboard(menu_button(_("🗂 My sessions"), Menu.SESSIONS))
    await show(callback, (booked_text(booked, client), markup))


async def on_cancel_ask(callback: CallbackQuery, callback_data: SeriesCancelCb) -> None:
    yes = SeriesCancelCb(
        action=SeriesCancelAction.YES,
        series_id=callback_data.series_id,
        appointment_id=callback_data.appointment_id,
    )
    keep = AppointmentCb(
        action=AppointmentAction.OPEN, appointment_id=callback_data.appointment_id
    )
    markup = home_keyboard(
        InlineKeyboardButton(text=_("Yes, cancel the rest"), callback_data=yes.pack()),
        InlineKeyboardButton(text=_("Keep the series"), callback_data=keep.pack()),
    )
    text = _(
        "Cancel every session of this weekly series that is still to come? "
        "Sessions that have already taken place stay as they are."
    )
    await show(callback, (text, markup))


async def on_cancel_yes(
    callback: CallbackQuery,
    *,
    callback_data: SeriesCancelCb,
    client: ClientProfile,
    appointment: Session,
    services: Services,
) -> None:
    done = await series.cancel_series(
        callback_data.series_id,
        None,
        initiator_of(client),
        client_id=client.id,
        late_cancel_hours=services.settings.late_cancel_hours,
    )
    count = len(done.cancelled)
    text = ngettext(
        "The rest of the series with {name} is cancelled: {count} session.",
        "The rest of the series with {name} is cancelled: {count} sessions.",
        count,
    ).format(name=appointment.psychologist.name, count=count)
    if not count:
        text = _("This series has no sessions left to cancel.")
    markup = home_keyboard(menu_button(_("🗂 My sessions"), Menu.SESSIONS))
    await show(callback, (text, markup))


def router() -> Router:
    """A series' cancel must come from a session of the client's own (OwnAppointment); any
    other tap goes on to the fallback as an outdated button."""
    routes = Router(name=__name__)
    routes.callback_query.filter(RegisteredClient())
    taps = routes.callback_query
    taps.register(on_every_week, SeriesCb.filter(F.action == SeriesAction.WEEKS))
    taps.register(on_weeks, SeriesCb.filter(F.action == SeriesAction.BOOK))
    own = OwnAppointment()
    taps.register(on_cancel_ask, SeriesCancelCb.filter(F.action == SeriesCancelAction.ASK), own)
    taps.register(on_cancel_yes, SeriesCancelCb.filter(F.action == SeriesCancelAction.YES), own)
    return routes
