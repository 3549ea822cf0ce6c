"""Screens shown in more than one flow: each answers (text, keyboard) in the current locale."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    AppointmentAction,
    AppointmentCb,
    HoldAction,
    HoldCb,
    Menu,
    MenuCb,
    Mode,
    PsychologistCb,
    SeriesAction,
    SeriesCancelAction,
    SeriesCancelCb,
    SeriesCb,
    SlotCb,
    TakeCb,
    TierCb,
    WaitlistAction,
    WaitlistCb,
    WeekCb,
)
from bot.keyboards.common import client_menu, manager_menu, menu_button, psychologist_menu
from domain import zones
from domain.booking import choices
from domain.booking.choices import ChosenTime
from domain.booking.sessions import Session
from domain.errors import (
    AlreadyTaken,
    BookingLimitReached,
    DomainError,
    HoldRequired,
    NotFound,
    SlotBooked,
    SlotHeld,
    SlotInPast,
)
from domain.people.profiles import ClientProfile, PsychologistProfile
from domain.people.telegram_users import TelegramUser
from domain.tickets.help_hand import TIERS
from domain.tickets.help_hand_requests import HelpHandRequest
from domain.timerules import MSK, TimeFormatError, client_zone, utcnow, week_start
from domain.values import AppointmentStatus

Screen = tuple[str, InlineKeyboardMarkup]

WEEKDAYS = (__("Mon"), __("Tue"), __("Wed"), __("Thu"), __("Fri"), __("Sat"), __("Sun"))
TIER_LABELS = (__("Free"), __("300 RUB"), __("500 RUB"), __("1000 RUB"), __("1500 RUB"))
STATUS_LABELS = {
    AppointmentStatus.NEW: __("waiting for your confirmation"),
    AppointmentStatus.CONFIRMED: __("confirmed"),
    AppointmentStatus.COMPLETED: __("completed"),
    AppointmentStatus.CANCELLED: __("cancelled"),
    AppointmentStatus.NO_SHOW: __("did not take place"),
}
SLOTS_PER_ROW = 3
TICKETS_SHOWN = 10
TOPICS_SHOWN = 120


def typed(message: Message, limit: int) -> str:
    """What the person typed, as the database can keep it: without NUL characters (PostgreSQL
    refuses them in text and JSON) and at most `limit` characters."""
    return (message.text or "").replace("\x00", "")[:limit]


def zone_of(person: ClientProfile | PsychologistProfile | None) -> tzinfo:
    try:
        return client_zone(person.timezone if person else None)
    except TimeFormatError:
        return MSK


def zone_label(tz: tzinfo) -> str:
    """The zone's label in the reader's language (domain.zones' one rule)."""
    return zones.zone_label(tz, get_i18n().current_locale)


def when(instant: datetime, tz: tzinfo) -> str:
    """ "Tue 25.11 14:00" in the reader's zone and language."""
    local = instant.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]!s} {local:%d.%m %H:%M}"


def price_text(psychologist: PsychologistProfile) -> str:
    low, high = psychologist.min_price, psychologist.max_price
    if low is None and high is None:
        return _("Price: on request")
    if low is not None and high is not None and high > low:
        return _("Price: {low}–{high} RUB per session").format(low=low, high=high)
    return _("Price: {price} RUB per session").format(price=low if low is not None else high)


def card(psychologist: PsychologistProfile, mode: Mode, appointment_id: int) -> Screen:
    """A psychologist's card: name, price, about, and the button to their free times."""
    lines = [psychologist.name, price_text(psychologist)]
    if psychologist.queries:
        lines.append(_("Works with: {queries}").format(queries=", ".join(psychologist.queries)))
    if psychologist.about:
        lines.append("")
        lines.append(psychologist.about)
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("🗓 Free times"),
        callback_data=PsychologistCb(
            psychologist_id=psychologist.id, appointment_id=appointment_id, mode=mode
        ),
    )
    return "\n".join(lines), builder.as_markup()


def monday_of(week: int, tz: tzinfo, now: datetime | None = None) -> date:
    today = (now or utcnow()).astimezone(tz).date()
    return week_start(today) + timedelta(weeks=week)


async def week_screen(
    psychologist: PsychologistProfile,
    week: int,
    client: ClientProfile,
    mode: Mode = Mode.BOOK,
    appointment_id: int = 0,
    *,
    note: str = "",
) -> Screen:
    """A week of the psychologist's free times as buttons, with earlier / later weeks."""
    tz = zone_of(client)
    monday = monday_of(week, tz)
    slots = await choices.free_week(psychologist.id, monday, tz, client_id=client.id)
    head = _("{name}: free times {first}–{last} ({zone}).").format(
        name=psychologist.name,
        first=f"{monday:%d.%m}",
        last=f"{monday + timedelta(days=6):%d.%m}",
        zone=zone_label(tz),
    )
    body = _("Tap a time to hold it for 5 minutes.") if slots else _("No free times this week.")
    text = "\n\n".join(part for part in (note, head, body) if part)
    builder = InlineKeyboardBuilder()
    buttons = [
        InlineKeyboardButton(
            text=when(slot.starts_at, tz),
            callback_data=SlotCb(
                slot_id=slot.slot_id, appointment_id=appointment_id, mode=mode
            ).pack(),
        )
        for slot in slots
    ]
    for start in range(0, len(buttons), SLOTS_PER_ROW):
        builder.row(*buttons[start : start + SLOTS_PER_ROW])
    nav = []
    if week > 0:
        nav.append(
            InlineKeyboardButton(
                text=_("◀ Earlier"),
                callback_data=WeekCb(
                    psychologist_id=psychologist.id,
                    week=week - 1,
                    appointment_id=appointment_id,
                    mode=mode,
                ).pack(),
            )
        )
    if week < choices.MAX_WEEKS_AHEAD:
        nav.append(
            InlineKeyboardButton(
                text=_("Later ▶"),
                callback_data=WeekCb(
                    psychologist_id=psychologist.id,
                    week=week + 1,
                    appointment_id=appointment_id,
                    mode=mode,
                ).pack(),
            )
        )
    if nav:
        builder.row(*nav)
    if not slots and mode == Mode.BOOK:
        builder.row(join_button(psychologist.id))
    if appointment_id:
        builder.row(
            InlineKeyboardButton(
                text=_("↩ Back to the session"),
                callback_data=AppointmentCb(
                    action=AppointmentAction.OPEN, appointment_id=appointment_id
                ).pack(),
            )
        )
    builder.row(menu_button(_("🏠 Main menu"), Menu.HOME))
    return text, builder.as_markup()


async def first_week_with_slots(psychologist: PsychologistProfile, client: ClientProfile) -> int:
    """The first week from this one that has a free time (this week when none has)."""
    tz = zone_of(client)
    for week in range(choices.MAX_WEEKS_AHEAD + 1):
        if await choices.free_week(psychologist.id, monday_of(week, tz), tz, client_id=client.id):
            return week
    return 0


def week_of(instant: datetime, tz: tzinfo) -> int:
    """Which week from this one holds `instant` (0 for past instants)."""
    this_monday = monday_of(0, tz)
    return max(0, (week_start(instant.astimezone(tz).date()) - this_monday).days // 7)


def join_button(psychologist_id: int) -> InlineKeyboardButton:
    """Wait in line for a time with the psychologist (0: any who works with the request)."""
    return InlineKeyboardButton(
        text=_("⏳ Join the waitlist"),
        callback_data=WaitlistCb(
            action=WaitlistAction.JOIN, psychologist_id=psychologist_id
        ).pack(),
    )


def waitlist_button() -> InlineKeyboardButton:
    """The client's entries in line."""
    return InlineKeyboardButton(
        text=_("⏳ My waitlist"),
        callback_data=WaitlistCb(action=WaitlistAction.LIST).pack(),
    )


def hold_screen(
    time: ChosenTime, held_until: datetime, client: ClientProfile, mode: Mode, appointment_id: int
) -> Screen:
    """The held time, until when it is held, and confirm / refresh / other times."""
    tz = zone_of(client)
    left = max(0, int((held_until - utcnow()).total_seconds() // 60) + 1)
    question = {
        Mode.BOOK: _("Book this session?"),
        Mode.MOVE: _("Move your session to this time?"),
        Mode.SWITCH: _("Move your session to this psychologist and time?"),
    }[mode]
    text = "\n".join(
        (
            _("{name}, {when} ({zone}).").format(
                name=time.psychologist.name, when=when(time.starts_at, tz), zone=zone_label(tz)
            ),
            _("⏳ This time is held for you until {until} ({minutes} min left).").format(
                until=f"{held_until.astimezone(tz):%H:%M}", minutes=left
            ),
            question,
        )
    )
    fields = {"slot_id": time.slot_id, "appointment_id": appointment_id, "mode": mode}
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ Confirm"), callback_data=HoldCb(action=HoldAction.CONFIRM, **fields))
    if mode == Mode.BOOK:
        builder.button(
            text=_("🔁 Every week"),
            callback_data=SeriesCb(action=SeriesAction.WEEKS, slot_id=time.slot_id),
        )
    builder.button(text=_("⏱ Refresh"), callback_data=HoldCb(action=HoldAction.REFRESH, **fields))
    builder.button(text=_("↩ Other times"), callback_data=HoldCb(action=HoldAction.BACK, **fields))
    builder.adjust(1)
    return text, builder.as_markup()


def slot_problem(error: DomainError) -> str:
    """Why a time cannot be taken, politely."""
    if isinstance(error, BookingLimitReached):
        return _(
            "You already have {limit} upcoming sessions, the most one can book at once. "
            "You can book more after one of them, or move a session in «My sessions»."
        ).format(limit=error.details["limit"])
    if isinstance(error, SlotHeld | SlotBooked | AlreadyTaken):
        return _("Sorry, someone else has just taken this time. Please choose another one.")
    if isinstance(error, HoldRequired):
        return _("Your 5-minute hold has run out. Please choose the time again.")
    if isinstance(error, SlotInPast):
        return _("This time has already passed. Please choose another one.")
    if isinstance(error, NotFound):
        return _("This time is no longer offered. Please choose another one.")
    return _("This cannot be done right now. Please choose another time.")


def appointment_screen(appointment: Session, client: ClientProfile) -> Screen:
    tz = zone_of(client)
    lines = [
        _("Session with {name}").format(name=appointment.psychologist.name),
        _("When: {when} ({zone})").format(
            when=when(appointment.starts_at, tz), zone=zone_label(tz)
        ),
        _("Status: {status}").format(status=str(STATUS_LABELS[appointment.status])),
    ]
    if appointment.meeting_link:
        lines.append(_("Video link: {link}").format(link=appointment.meeting_link))
    if appointment.series_id is not None:
        lines.append(_("↻ One of your weekly series of sessions."))
    builder = InlineKeyboardBuilder()
    actions = []
    if appointment.status == AppointmentStatus.NEW:
        actions.append((_("✅ I will come"), AppointmentAction.CONFIRM))
    if appointment.active:
        actions.append((_("🔁 Change time or psychologist"), AppointmentAction.RESCHEDULE))
        actions.append((_("❌ Cancel the session"), AppointmentAction.CANCEL))
    for label, action in actions:
        builder.button(
            text=label, callback_data=AppointmentCb(action=action, appointment_id=appointment.id)
        )
    if appointment.active and appointment.series_id is not None:
        builder.button(
            text=_("❌ Cancel the rest of the series"),
            callback_data=SeriesCancelCb(
                action=SeriesCancelAction.ASK,
                series_id=appointment.series_id,
                appointment_id=appointment.id,
            ),
        )
    builder.button(text=_("🗂 My sessions"), callback_data=_menu(Menu.SESSIONS))
    builder.adjust(1)
    return "\n".join(lines), builder.as_markup()


def _menu(item: Menu) -> str:
    return MenuCb(item=item).pack()


def tier_label(index: int) -> str:
    return str(TIER_LABELS[index]) if 0 <= index < len(TIERS) else _("All")


def tiers_keyboard(*, staff: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index in range(len(TIERS)):
        builder.button(text=tier_label(index), callback_data=TierCb(index=index, staff=staff))
    if staff:
        builder.button(text=_("All"), callback_data=TierCb(index=-1, staff=True))
    builder.button(text=_("🏠 Main menu"), callback_data=_menu(Menu.HOME))
    builder.adjust(1)
    return builder.as_markup()


def tickets_screen(found: list[HelpHandRequest], tier: int) -> Screen:
    """Open help-hand requests with a take button each."""
    builder = InlineKeyboardBuilder()
    if not found:
        text = _("There are no open help-hand requests at this price now.")
    else:
        lines = [_("Open help-hand requests ({tier}):").format(tier=tier_label(tier))]
        # The oldest first, each in a line: the whole list must fit one message (4,096
        # characters) and its buttons one keyboard, however many and long the requests.
        for ticket in found[:TICKETS_SHOWN]:
            label = (
                tier_label(TIERS.index(ticket.price_tier)) if ticket.price_tier in TIERS else ""
            )
            topics = " ".join("; ".join(ticket.queries).split()) or "—"
            if len(topics) > TOPICS_SHOWN:
                topics = topics[: TOPICS_SHOWN - 1] + "…"
            lines.append(f"• {ticket.number} · {label} · {topics}")
            builder.button(
                text=_("Take {number}").format(number=ticket.number),
                callback_data=TakeCb(ticket_id=ticket.id, tier=tier),
            )
        text = "\n".join(lines)
    builder.button(text=_("↩ Other prices"), callback_data=_menu(Menu.TICKETS))
    builder.adjust(1)
    return text, builder.as_markup()


def main_menu(person: TelegramUser, base_url: str) -> Screen:
    """The menu of the person's role."""
    if person.is_staff:
        return _("Manager's menu: the board opens with the button below."), manager_menu(
            f"{base_url}/app/board"
        )
    if person.psychologist is not None:
        return _("Hello, {name}! Your psychologist's menu:").format(
            name=person.psychologist.name
        ), psychologist_menu(base_url, person.psychologist.help_hand_mode)
    return _("Main menu: what would you like to do?"), client_menu()


async def show(callback: CallbackQuery, screen: Screen) -> None:
    """Show a screen in place of the tapped message; a new message when it cannot be edited."""
    text, markup = screen
    message = callback.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
        else:
            return
    if callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)
