"""/invite: an admin's one-time link that makes its opener a manager or a psychologist.
`/invite` asks whom with two buttons; `/invite manager` or `/invite psychologist` answers at
once. Anyone else is told, politely, that only admins invite."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import InviteCb
from bot.keyboards.common import home_keyboard
from bot.views import Screen, show
from domain.errors import Forbidden
from domain.people import staff
from domain.people.telegram_users import TelegramUser
from domain.values import Actor, InviteRole
from services import Services

# What may follow /invite, in either language.
ROLE_WORDS = {
    "manager": InviteRole.MANAGER,
    "менеджер": InviteRole.MANAGER,
    "psychologist": InviteRole.PSYCHOLOGIST,
    "психолог": InviteRole.PSYCHOLOGIST,
}


def refusal() -> Screen:
    return _("Sorry, only admins can invite new staff."), home_keyboard()


def roles_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("A manager"), callback_data=InviteCb(role=InviteRole.MANAGER))
    builder.button(text=_("A psychologist"), callback_data=InviteCb(role=InviteRole.PSYCHOLOGIST))
    builder.adjust(2)
    return builder.as_markup()


async def invite_screen(
    person: TelegramUser, role: InviteRole, services: Services, bot: Bot
) -> Screen:
    me = await bot.me()
    admin = staff.Admin.of(person.telegram_id, services.settings.admin_ids, source="bot")
    try:
        issued = await staff.invite(admin, role, me.username or "")
    except Forbidden:
        return refusal()
    text = (
        _("Send this link to the new psychologist. It works once, within 24 hours:\n{link}")
        if role == InviteRole.PSYCHOLOGIST
        else _("Send this link to the new manager. It works once, within 24 hours:\n{link}")
    )
    return text.format(link=issued.link), home_keyboard()


async def cmd_invite(
    message: Message, command: CommandObject, person: TelegramUser, services: Services, bot: Bot
) -> None:
    if person.role != Actor.ADMIN:
        text, markup = refusal()
        await message.answer(text, reply_markup=markup)
        return
    word = (command.args or "").strip().lower()[:32]
    role = ROLE_WORDS.get(word)
    if role is None:
        question = _("Whom would you like to invite?")
        if word:
            question = _("I do not know the role «{word}».").format(word=word) + "\n" + question
        await message.answer(question, reply_markup=roles_keyboard())
        return
    text, markup = await invite_screen(person, role, services, bot)
    await message.answer(text, reply_markup=markup)


async def on_role(
    callback: CallbackQuery,
    callback_data: InviteCb,
    person: TelegramUser,
    services: Services,
    bot: Bot,
) -> None:
    await show(callback, await invite_screen(person, callback_data.role, services, bot))


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.register(cmd_invite, Command("invite"))
    routes.callback_query.register(on_role, InviteCb.filter())
    return routes
