"""/help and the menu's help button: what the person can do here, by role, with the commands
their chat lists (bot/commands.py)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.callbacks import Menu, MenuCb
from bot.commands import commands_of
from bot.keyboards.common import home_keyboard
from bot.views import show
from domain.people.telegram_users import TelegramUser
from domain.values import Actor


def _what_they_do(role: Actor) -> str:
    if role in {Actor.MANAGER, Actor.ADMIN}:
        text = _(
            "Here you run the service's requests and sessions.\n"
            "• 📋 The board (a mini app): every request and session by its state. Drag a card "
            "to move it on; open it to book, move or cancel. Clients and psychologists get the "
            "bot's messages about each change.\n"
            "• 🖥 /login: a one-time link to the board in a plain browser."
        )
        if role == Actor.ADMIN:
            text += "\n" + _(
                "• ✉️ /invite: a one-time link that makes a new manager or psychologist. "
                "The board's «Staff» tab lists the team; there you deactivate people."
            )
        return text
    if role == Actor.PSYCHOLOGIST:
        return _(
            "Here you work with your clients.\n"
            "• 📝 Your anketa (a mini app): what clients read about you: requests, prices, "
            "education. Keep it complete: clients choose by it.\n"
            "• 🗓 The schedule editor (a mini app): the times when clients can book you.\n"
            "• Today's and upcoming sessions, with the clients' contacts.\n"
            "• «My anketa»: your personal link for clients, which opens your free times.\n"
            "• 🤝 Help-hand requests at low prices, when help-hand mode is on in your anketa."
        )
    return _(
        "Here you can book an online session with a psychologist.\n"
        "• 📅 Book a session: choose what you would like to talk about and a price, then a "
        "psychologist and a free time. The time is held for you for 5 minutes while you "
        "confirm.\n"
        "• 🗂 My sessions: confirm, move or cancel a session. We remind you before each one.\n"
        "• 🤝 Help hand: if paying is hard right now, leave a low-price request and a "
        "psychologist will take it.\n"
        "• 🕐 /timezone: where you are. Every time we show you is in your time zone.\n\n"
        "This is not an emergency service: if you or someone near you is in danger, call 112."
    )


def help_text(person: TelegramUser) -> str:
    commands = "\n".join(
        f"/{name} — {_(description)}" for name, description in commands_of(person.role)
    )
    return "\n\n".join((_what_they_do(person.role), _("Commands:") + "\n" + commands))


async def cmd_help(message: Message, person: TelegramUser) -> None:
    await message.answer(help_text(person), reply_markup=home_keyboard())


async def on_help(callback: CallbackQuery, person: TelegramUser) -> None:
    await show(callback, (help_text(person), home_keyboard()))


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.register(cmd_help, Command("help"))
    routes.callback_query.register(on_help, MenuCb.filter(F.item == Menu.HELP))
    return routes
