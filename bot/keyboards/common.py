"""Keyboards shared by several flows: menus, language, contact request."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    WebAppInfo,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import LanguageCb, Menu, MenuCb

LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def contact_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=_("📱 Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def menu_button(text: str, item: Menu) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=MenuCb(item=item).pack())


def home_keyboard(*extra: InlineKeyboardButton) -> InlineKeyboardMarkup:
    """Optional buttons, then "Main menu"."""
    builder = InlineKeyboardBuilder()
    for button in extra:
        builder.row(button)
    builder.row(menu_button(_("🏠 Main menu"), Menu.HOME))
    return builder.as_markup()


def client_menu() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.row(menu_button(_("📅 Book a session"), Menu.BOOK))
    builder.row(menu_button(_("🗂 My sessions"), Menu.SESSIONS))
    builder.row(menu_button(_("🤝 Help hand: a low-price request"), Menu.HELP_HAND))
    builder.row(
        menu_button(_("🌐 Language"), Menu.LANGUAGE),
        menu_button(_("🕐 Time zone"), Menu.TIMEZONE),
        help_button(),
    )
    return builder.as_markup()


def help_button() -> InlineKeyboardButton:
    return menu_button(_("❓ Help"), Menu.HELP)


def calendar_feed_button() -> InlineKeyboardButton:
    return menu_button(_("🔗 Calendar feed"), Menu.CALENDAR)


def psychologist_menu(base_url: str, help_hand: bool) -> InlineKeyboardMarkup:
    """The schedule editor and the anketa (mini apps), then the bot's own screens."""
    builder = InlineKeyboardBuilder()
    builder.row(
        InlineKeyboardButton(
            text=_("🗓 Schedule editor"), web_app=WebAppInfo(url=f"{base_url}/app/editor")
        )
    )
    builder.row(
        InlineKeyboardButton(
            text=_("📝 Fill in my anketa"), web_app=WebAppInfo(url=f"{base_url}/app/profile")
        )
    )
    builder.row(menu_button(_("Today's sessions"), Menu.TODAY))
    builder.row(menu_button(_("Upcoming sessions"), Menu.UPCOMING))
    builder.row(menu_button(_("My anketa"), Menu.ANKETA))
    builder.row(calendar_feed_button())
    if help_hand:
        builder.row(menu_button(_("🤝 Help-hand requests"), Menu.TICKETS))
    builder.row(menu_button(_("🌐 Language"), Menu.LANGUAGE), help_button())
    return builder.as_markup()


def manager_menu(board_url: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.row(
        InlineKeyboardButton(text=_("📋 Open the board"), web_app=WebAppInfo(url=board_url))
    )
    builder.row(menu_button(_("🖥 Open the board in a browser"), Menu.BROWSER))
    builder.row(menu_button(_("🌐 Language"), Menu.LANGUAGE), help_button())
    return builder.as_markup()


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageCb(code=code))
    return builder.as_markup()
