"""Psychologists: the anketa, today's and upcoming sessions, help-hand requests to take."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.callbacks import Menu, MenuCb, TakeCb, TierCb
from bot.filters import IsPsychologist
from bot.keyboards.common import home_keyboard
from bot.views import Screen, show, tickets_screen, tiers_keyboard, when, zone_label, zone_of
from domain.audit import Initiator
from domain.booking import sessions
from domain.errors import AlreadyTaken, DomainError
from domain.people.profiles import PsychologistProfile
from domain.tickets import help_hand, help_hand_requests
from domain.values import Actor

TODAY_DAYS = 1
UPCOMING_DAYS = 14


def initiator_of(psychologist: PsychologistProfile) -> Initiator:
    return Initiator(Actor.PSYCHOLOGIST, ref=str(psychologist.telegram_id), source="bot")


async def sessions_text(psychologist: PsychologistProfile, days: int) -> str:
    tz = zone_of(psychologist)
    found = await sessions.sessions_of_psychologist(psychologist.id, days)
    if days == TODAY_DAYS:
        today = (
            [
                a
                for a in found
                if a.starts_at.astimezone(tz).date() == found[0].starts_at.astimezone(tz).date()
            ]
            if found
            else []
        )
        found = today
    if not found:
        return _("No sessions planned.")
    lines = [_("Sessions ({zone}):").format(zone=zone_label(tz))]
    for planned in found:
        username, phone = planned.client_username, planned.client_phone
        contact = f"@{username}" if username else (phone or "")
        mark = "✅" if planned.confirmed else "⏳"
        lines.append(
            f"{mark} {when(planned.starts_at, tz)} · {planned.client_name} {contact}".rstrip()
        )
    return "\n".join(lines)


async def on_sessions(
    callback: CallbackQuery, callback_data: MenuCb, psychologist: PsychologistProfile
) -> None:
    days = TODAY_DAYS if callback_data.item == Menu.TODAY else UPCOMING_DAYS
    await show(callback, (await sessions_text(psychologist, days), home_keyboard()))


async def on_anketa(callback: CallbackQuery, psychologist: PsychologistProfile, bot: Bot) -> None:
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=utm_psy_{psychologist.id}"
    lines = [
        _("Your anketa: {name}").format(name=psychologist.name),
        _("Requests: {queries}").format(queries=", ".join(psychologist.queries) or "—"),
        _("Price: {low}–{high} RUB").format(
            low=psychologist.min_price or "—", high=psychologist.max_price or "—"
        ),
        _("Help-hand mode: {mode}").format(
            mode=_("on") if psychologist.help_hand_mode else _("off")
        ),
        "",
        _("Your link for clients (it opens your free times): {link}").format(link=link),
    ]
    await show(callback, ("\n".join(lines), home_keyboard()))


async def on_tickets(callback: CallbackQuery, psychologist: PsychologistProfile) -> None:
    if not psychologist.help_hand_mode:
        await show(callback, (_("Help-hand mode is off in your anketa."), home_keyboard()))
        return
    await show(callback, (_("Help-hand requests: choose a price."), tiers_keyboard(staff=True)))


async def _tickets(psychologist: PsychologistProfile, tier: int) -> Screen:
    name = help_hand.TIERS[tier] if 0 <= tier < len(help_hand.TIERS) else help_hand.ALL_TIERS
    found = await help_hand_requests.open_requests(psychologist.telegram_id or 0, name)
    return tickets_screen(found, tier)


async def on_tier(
    callback: CallbackQuery,
    callback_data: TierCb,
    psychologist: PsychologistProfile,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        screen = await _tickets(psychologist, callback_data.index)
    except DomainError:
        callback_answer.text = _("Help-hand mode is off in your anketa.")
        return
    await show(callback, screen)


async def on_take(
    callback: CallbackQuery,
    callback_data: TakeCb,
    psychologist: PsychologistProfile,
    callback_answer: CallbackAnswer,
) -> None:
    try:
        view = await help_hand_requests.take(
            psychologist.telegram_id or 0, callback_data.ticket_id, initiator_of(psychologist)
        )
    except AlreadyTaken:
        note = _("Sorry, another psychologist has already taken this request.")
        callback_answer.text = note
        callback_answer.show_alert = True
        text, markup = await _tickets(psychologist, callback_data.tier)
        await show(callback, (note + "\n\n" + text, markup))
        return
    except DomainError:
        callback_answer.text = _("This request is no longer available.")
        await show(callback, await _tickets(psychologist, callback_data.tier))
        return
    client = view.client
    contact = ""
    if client is not None:
        contact = f"{client.name} @{client.username}" if client.username else client.name
    await show(
        callback,
        (
            _("The request {number} is yours. Client: {client}. Please contact them.").format(
                number=view.lead_number, client=contact or "—"
            ),
            home_keyboard(),
        ),
    )


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.filter(IsPsychologist())
    routes.callback_query.filter(IsPsychologist())
    taps = routes.callback_query
    taps.register(on_sessions, MenuCb.filter(F.item.in_({Menu.TODAY, Menu.UPCOMING})))
    taps.register(on_anketa, MenuCb.filter(F.item == Menu.ANKETA))
    taps.register(on_tickets, MenuCb.filter(F.item == Menu.TICKETS))
    taps.register(on_tier, TierCb.filter(F.staff))
    taps.register(on_take, TakeCb.filter())
    return routes
