"""The keyboard of a queued message (an Outbox row), built when the sender sends it: the row
holds a description of its buttons (domain.messaging.buttons), turned here into Telegram's
markup with the bot's callback data."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import ValidationError

from bot.callbacks import AppointmentAction, AppointmentCb, ReviewCb, WaitlistAction, WaitlistCb
from domain.i18n import translate
from domain.messaging import buttons, event_texts

CONFIRMATION_LABELS = (
    (AppointmentAction.CONFIRM, event_texts.BUTTON_CONFIRM),
    (AppointmentAction.RESCHEDULE, event_texts.BUTTON_RESCHEDULE),
    (AppointmentAction.CANCEL, event_texts.BUTTON_CANCEL),
)


class UnreadableKeyboard(ValueError):
    """A row's keyboard that describes no buttons and is no Telegram markup either."""


def _rows(described: buttons.Buttons) -> list[list[InlineKeyboardButton]]:
    if isinstance(described, buttons.ConfirmationButtons):
        return [
            [
                InlineKeyboardButton(
                    text=translate(described.language, label),
                    callback_data=AppointmentCb(
                        action=action, appointment_id=described.appointment_id
                    ).pack(),
                )
            ]
            for action, label in CONFIRMATION_LABELS
        ]
    if isinstance(described, buttons.WaitlistOfferButtons):
        return [
            [
                InlineKeyboardButton(
                    text=translate(described.language, event_texts.BUTTON_TAKE_OFFER),
                    callback_data=WaitlistCb(
                        action=WaitlistAction.TAKE, value=described.offer_id
                    ).pack(),
                )
            ]
        ]
    return [
        [
            InlineKeyboardButton(
                text=f"{rating}⭐",
                callback_data=ReviewCb(
                    appointment_id=described.appointment_id, rating=rating
                ).pack(),
            )
            for rating in buttons.RATINGS
        ]
    ]


def outbox_keyboard(stored: dict[str, Any] | None) -> InlineKeyboardMarkup | None:
    """The markup to send with a row; UnreadableKeyboard when there is none to make of it.

    Rows queued before buttons were described hold Telegram's markup itself (an
    "inline_keyboard"): they go out as they are."""
    if not stored:
        return None
    if not isinstance(stored, dict):
        raise UnreadableKeyboard(f"a {type(stored).__name__}, not an object")
    try:
        if "inline_keyboard" in stored:
            return InlineKeyboardMarkup.model_validate(stored)
        return InlineKeyboardMarkup(inline_keyboard=_rows(buttons.read(stored)))
    except ValidationError as exc:
        raise UnreadableKeyboard(f"{exc.error_count()} error(s)") from exc
    except ValueError as exc:
        raise UnreadableKeyboard(str(exc)) from exc
