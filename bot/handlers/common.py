"""For everyone: the main menu, the language, and the error handler."""

from __future__ import annotations

import contextlib
import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.callbacks import LanguageCb, Menu, MenuCb
from bot.fsm import locale_key
from bot.keyboards.common import language_keyboard
from bot.views import main_menu, show
from domain.errors import DomainError
from domain.people import telegram_users
from domain.people.telegram_users import TelegramUser
from services import Services

log = logging.getLogger(__name__)


async def cmd_menu(
    message: Message, state: FSMContext, person: TelegramUser, services: Services
) -> None:
    await state.set_state(None)
    text, markup = main_menu(person, services.settings.base_url)
    await message.answer(text, reply_markup=markup)


async def on_home(
    callback: CallbackQuery, state: FSMContext, person: TelegramUser, services: Services
) -> None:
    await state.set_state(None)
    await show(callback, main_menu(person, services.settings.base_url))


async def cmd_language(message: Message) -> None:
    await message.answer(_("Choose your language:"), reply_markup=language_keyboard())


async def on_language_menu(callback: CallbackQuery) -> None:
    await show(callback, (_("Choose your language:"), language_keyboard()))


async def on_language(
    callback: CallbackQuery,
    *,
    callback_data: LanguageCb,
    state: FSMContext,
    person: TelegramUser,
    services: Services,
    i18n: I18n,
) -> None:
    language = await telegram_users.set_language(person.telegram_id, callback_data.code)
    await state.storage.update_data(locale_key(state.key), {"language": language})
    refreshed = await telegram_users.telegram_user(person.telegram_id, services.settings.admin_ids)
    with i18n.use_locale(language):
        text, markup = main_menu(refreshed, services.settings.base_url)
        await show(callback, (_("Language changed.") + "\n\n" + text, markup))


async def on_error(event: ErrorEvent) -> None:
    """Log the fault; tell the person politely, never with a traceback."""
    if isinstance(event.exception, DomainError):
        log.info("refused: %s", event.exception.message)
    else:
        log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    text = _("Sorry, something went wrong. Please try again, or open the menu: /menu")
    with contextlib.suppress(TelegramAPIError):
        if event.update.callback_query is not None:
            query = event.update.callback_query
            with contextlib.suppress(TelegramAPIError):
                await query.answer(text, show_alert=True)
            if query.from_user is not None and query.bot is not None:
                await query.bot.send_message(query.from_user.id, text)
        elif event.update.message is not None:
            await event.update.message.answer(text)


def router() -> Router:
    routes = Router(name=__name__)
    routes.message.register(cmd_menu, Command("menu"))
    routes.callback_query.register(on_home, MenuCb.filter(F.item == Menu.HOME))
    routes.message.register(cmd_language, Command("language"))
    routes.callback_query.register(on_language_menu, MenuCb.filter(F.item == Menu.LANGUAGE))
    routes.callback_query.register(on_language, LanguageCb.filter())
    routes.errors.register(on_error, ExceptionTypeFilter(Exception))
    return routes
