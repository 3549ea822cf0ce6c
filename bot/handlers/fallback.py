"""Whatever no other handler took: an outdated button, a stray message. Always answered."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.views import main_menu, show
from domain.people.telegram_users import TelegramUser
from services import Services


async def on_stale_button(
    callback: CallbackQuery,
    state: FSMContext,
    person: TelegramUser,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    await state.set_state(None)
    callback_answer.text = _("This button is out of date; here is the menu.")
    text, markup = main_menu(person, services.settings.base_url)
    await show(
        callback, (_("This button is out of date; here is the menu.") + "\n\n" + text, markup)
    )


async def on_other_message(message: Message, person: TelegramUser, services: Services) -> None:
    text, markup = main_menu(person, services.settings.base_url)
    await message.answer(
        _("I did not understand that; please use the buttons.") + "\n\n" + text,
        reply_markup=markup,
    )


def router() -> Router:
    routes = Router(name=__name__)
    routes.callback_query.register(on_stale_button)
    routes.message.register(on_other_message)
    return routes
