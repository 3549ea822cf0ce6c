"""/start with its deep-link payloads, and registration by the contact button."""

from __future__ import annotations

import re

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    MenuButtonWebApp,
    Message,
    ReplyKeyboardRemove,
    WebAppInfo,
)
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _

from bot.callbacks import ZoneCb
from bot.commands import set_chat
from bot.filters import RegisteredClient, Unregistered
from bot.handlers import timezone
from bot.keyboards.common import contact_keyboard, home_keyboard
from bot.states import Registration
from bot.views import first_week_with_slots, main_menu, tier_label, week_screen
from domain.booking import choices
from domain.errors import InvalidInput, NotFound
from domain.people import invites, telegram_users
from domain.people.profiles import ClientProfile
from domain.people.telegram_users import TelegramUser
from domain.tickets import help_hand_requests
from domain.tickets.help_hand import TIERS
from domain.values import Actor, TicketStatus
from services import Services

PSYCHOLOGIST_PAYLOAD = re.compile(r"utm_psy_(\d{1,9})")
HELP_HAND_PAYLOAD = re.compile(r"hh_[a-z0-9]{7}")
# Codes are 22 characters; a longer one than the column holds (48) is no invite at all.
INVITE_PAYLOAD = re.compile(re.escape(invites.PAYLOAD_PREFIX) + r"([A-Za-z0-9_-]{1,48})")


async def cmd_start(
    message: Message,
    *,
    command: CommandObject,
    state: FSMContext,
    person: TelegramUser,
    services: Services,
    bot: Bot,
) -> None:
    payload = (command.args or "").strip()
    await state.set_state(None)
    invite = INVITE_PAYLOAD.fullmatch(payload)
    if invite and not person.is_staff:
        await join_the_team(message, invite.group(1), services, bot)
        return
    if person.psychologist is not None or person.is_staff:
        await staff_menu(message, person, services, bot)
        return
    if person.client is None:
        await state.set_state(Registration.contact)
        await state.update_data(payload=payload)
        await message.answer(
            _(
                "Hello! This bot books sessions with our psychologists.\n"
                "To begin, share your phone number with the button below: "
                "it is how we recognise you."
            ),
            reply_markup=contact_keyboard(),
        )
        return
    await continue_with(message, person, payload, services)


async def staff_menu(
    message: Message, person: TelegramUser, services: Services, bot: Bot, note: str = ""
) -> None:
    """A psychologist's or manager's menu, their mini app on the chat's menu button and their
    commands in the chat's list (set here too for whom the team's pass found no chat yet)."""
    base_url = services.settings.base_url
    await set_chat(bot, message.chat.id, person.role)
    url = f"{base_url}/app/board" if person.is_staff else f"{base_url}/app/editor"
    label = _("Board") if person.is_staff else _("Schedule")
    await bot.set_chat_menu_button(
        chat_id=message.chat.id,
        menu_button=MenuButtonWebApp(text=label, web_app=WebAppInfo(url=url)),
    )
    text, markup = main_menu(person, base_url)
    await message.answer("\n\n".join(part for part in (note, text) if part), reply_markup=markup)


async def join_the_team(message: Message, code: str, services: Services, bot: Bot) -> None:
    """An admin's invite link: its opener becomes a manager or a psychologist, once."""
    user = message.from_user
    assert user is not None
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    note = problem = ""
    try:
        # A new psychologist keeps reading the language the bot speaks to them now.
        joined = await telegram_users.join_by_invite(
            code, user.id, name=name, language=get_i18n().current_locale
        )
    except invites.AlreadyMember:
        note = _("You are already one of our psychologists.")
    except invites.InviteUsed:
        problem = _("This invite link has already been used. Please ask an admin for a new one.")
    except invites.InviteExpired:
        problem = _("This invite link has expired. Please ask an admin for a new one.")
    except NotFound:
        problem = _("This invite link is not valid. Please ask an admin for a new one.")
    else:
        note = (
            _("Welcome to the team! You are now a manager.")
            if joined == Actor.MANAGER
            else _(
                "Welcome to the team! You are now one of our psychologists.\n"
                "First, fill in your anketa with the «📝 Fill in my anketa» button below: it is "
                "what clients read about you. Then open the schedule editor and add the times "
                "when clients can book you."
            )
        )
    if problem:
        await message.answer(problem, reply_markup=ReplyKeyboardRemove())
        return
    person = await telegram_users.telegram_user(user.id, services.settings.admin_ids)
    await staff_menu(message, person, services, bot, note=note)


async def continue_with(
    message: Message, person: TelegramUser, payload: str, services: Services
) -> None:
    """Where a deep link leads a registered client; the main menu otherwise."""
    client = person.client
    assert client is not None
    psychologist_link = PSYCHOLOGIST_PAYLOAD.fullmatch(payload)
    if psychologist_link:
        try:
            chosen = await choices.psychologist(int(psychologist_link.group(1)))
        except NotFound:
            await message.answer(_("This psychologist no longer takes bookings here."))
        else:
            week = await first_week_with_slots(chosen, client)
            text, markup = await week_screen(chosen, week, client)
            await message.answer(text, reply_markup=markup)
            return
    elif HELP_HAND_PAYLOAD.fullmatch(payload):
        request = await help_hand_requests.claim_link(client.id, payload)
        if request is None:
            await message.answer(_("This help-hand link is not valid."))
        else:
            tier = TIERS.index(request.price_tier) if request.price_tier in TIERS else -1
            status = (
                _("a psychologist will take it soon")
                if request.status == TicketStatus.OPEN
                else _("a psychologist has taken it and will contact you")
            )
            await message.answer(
                _("Your help-hand request {number} ({tier}): {status}.").format(
                    number=request.number, tier=tier_label(tier), status=status
                ),
                reply_markup=home_keyboard(),
            )
            return
    text, markup = main_menu(person, services.settings.base_url)
    await message.answer(text, reply_markup=markup)


async def process_contact(
    message: Message, state: FSMContext, services: Services, i18n: I18n
) -> None:
    contact = message.contact
    user = message.from_user
    assert contact is not None and user is not None
    if contact.user_id != user.id:
        await message.answer(
            _("Please share your own number with the button below."),
            reply_markup=contact_keyboard(),
        )
        return
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    try:
        # The sender's own contact: Telegram vouches for the number (it may link a record
        # a manager made for this phone).
        client = await telegram_users.register_by_own_contact(
            user.id,
            name=name,
            username=user.username,
            phone=contact.phone_number,
            language=i18n.current_locale,
        )
    except InvalidInput:
        await message.answer(
            _("This phone number does not look right. Please share it with the button below."),
            reply_markup=contact_keyboard(),
        )
        return
    # Where they are comes next; the payload waits in the state until they answer.
    await state.set_state(Registration.zone)
    await message.answer(
        _("Thank you, {name}! You are registered.").format(name=client.name or user.first_name),
        reply_markup=ReplyKeyboardRemove(),
    )
    text, markup = timezone.question()
    await message.answer(text, reply_markup=markup)


async def _registered(
    message: Message, state: FSMContext, person: TelegramUser, services: Services
) -> None:
    payload = str((await state.get_data()).get("payload") or "")
    await state.set_state(None)
    await continue_with(message, person, payload, services)


async def process_zone_typed(
    message: Message,
    state: FSMContext,
    person: TelegramUser,
    client: ClientProfile,
    services: Services,
) -> None:
    if await timezone.keep_typed(message, client):
        await _registered(message, state, person, services)


async def process_zone_tapped(
    callback: CallbackQuery,
    *,
    callback_data: ZoneCb,
    state: FSMContext,
    person: TelegramUser,
    client: ClientProfile,
    services: Services,
) -> None:
    if await timezone.keep_tapped(callback, callback_data, client) and isinstance(
        callback.message, Message
    ):
        await _registered(callback.message, state, person, services)


async def process_not_a_contact(message: Message) -> None:
    await message.answer(
        _("Please tap the button below to share your phone number."),
        reply_markup=contact_keyboard(),
    )


async def on_unregistered_message(message: Message, state: FSMContext) -> None:
    await state.set_state(Registration.contact)
    await message.answer(
        _("First, please share your phone number with the button below."),
        reply_markup=contact_keyboard(),
    )


async def on_unregistered_tap(callback: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Registration.contact)
    if callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(
            callback.from_user.id,
            _("First, please share your phone number with the button below."),
            reply_markup=contact_keyboard(),
        )


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.register(cmd_start, CommandStart())
    routes.message.register(process_contact, Registration.contact, F.contact)
    routes.message.register(process_not_a_contact, Registration.contact)
    routes.message.register(process_zone_typed, Registration.zone, F.text, RegisteredClient())
    routes.callback_query.register(
        process_zone_tapped, Registration.zone, ZoneCb.filter(), RegisteredClient()
    )
    routes.message.register(on_unregistered_message, Unregistered())
    routes.callback_query.register(on_unregistered_tap, Unregistered())
    return routes
