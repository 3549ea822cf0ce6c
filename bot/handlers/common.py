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
from bot.keyboards.common import language_keyboard
from bot.middlewares import locale_key
from bot.views import main_menu, show
from domain import bot_views
from domain.bot_views import Person
from domain.errors import DomainError
from services import Services

log = logging.getLogger(__name__)
router = Router(name=__name__)


@router.message(Command("menu"))
async def cmd_menu(
    message: Message, state: FSMContext, person: Person, services: Services
) -> None:
    await state.set_state(None)
    text, markup = main_menu(person, services.settings.base_url)
    await message.answer(text, reply_markup=markup)


@router.callback_query(MenuCb.filter(F.item == Menu.HOME))
async def on_home(
    callback: CallbackQuery, state: FSMContext, person: Person, services: Services
) -> None:
    await state.set_state(None)
    await show(callback, main_menu(person, services.settings.base_url))


@router.message(Command("language"))
async def cmd_language(message: Message) -> None:
    await message.answer(_("Choose your language:"), reply_markup=language_keyboard())


@router.callback_query(MenuCb.filter(F.item == Menu.LANGUAGE))
async def on_language_menu(callback: CallbackQuery) -> None:
    await show(callback, (_("Choose your language:"), language_keyboard()))


@router.callback_query(LanguageCb.filter())
async def on_language(
    callback: CallbackQuery,
    *,
    callback_data: LanguageCb,
    state: FSMContext,
    person: Person,
    services: Services,
    i18n: I18n,
) -> None:
    language = await bot_views.set_language(person.telegram_id, callback_data.code)
    key = locale_key({"state": state})
    if key is not None:
        await state.storage.update_data(key, {"language": language})
    refreshed = await bot_views.person_of(person.telegram_id, services.settings.admin_ids)
    with i18n.use_locale(language):
        text, markup = main_menu(refreshed, services.settings.base_url)
        await show(callback, (_("Language changed.") + "\n\n" + text, markup))


@router.error(ExceptionTypeFilter(Exception))
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
