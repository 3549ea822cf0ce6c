"""Managers and admins: the board mini app (the menu carries its button) and a one-time link to
the board in a plain browser. Admins' invites are bot/handlers/invite.py."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.callbacks import Menu, MenuCb
from bot.filters import IsStaff
from bot.keyboards.common import home_keyboard, manager_menu
from bot.views import show
from domain.people import access
from domain.people.telegram_users import TelegramUser
from services import Services


async def cmd_board(message: Message, services: Services) -> None:
    await message.answer(
        _("The board opens with the button below."),
        reply_markup=manager_menu(f"{services.settings.base_url}/app/board"),
    )


async def login_text(person: TelegramUser, services: Services) -> str:
    settings = services.settings
    link = await access.login_link(
        settings.base_url,
        settings.jwt_secret.get_secret_value(),
        person.telegram_id,
        settings.admin_ids,
    )
    return _(
        "Your link to the board in a browser. It works once and for 10 minutes; "
        "do not share it:\n{link}"
    ).format(link=link)


async def cmd_login(message: Message, person: TelegramUser, services: Services) -> None:
    await message.answer(await login_text(person, services), reply_markup=home_keyboard())


async def on_login(callback: CallbackQuery, person: TelegramUser, services: Services) -> None:
    await show(callback, (await login_text(person, services), home_keyboard()))


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.filter(IsStaff())
    routes.callback_query.filter(IsStaff())
    routes.message.register(cmd_board, Command("board"))
    routes.message.register(cmd_login, Command("login"))
    routes.callback_query.register(on_login, MenuCb.filter(F.item == Menu.BROWSER))
    return routes
