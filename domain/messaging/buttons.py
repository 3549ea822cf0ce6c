"""Inline keyboards the domain puts into Outbox rows, and their callback_data format.

The format is the one aiogram's `CallbackData` packs (prefix and fields joined by ":"), so the
bot parses these strings with factories declared as:

    class AppointmentAction(CallbackData, prefix="ap"):
        action: str            # "confirm" | "reschedule" | "cancel"
        appointment_id: int

    class ReviewRating(CallbackData, prefix="rv"):
        appointment_id: int
        rating: int            # 1..5

e.g. `ap:confirm:42`, `rv:42:5`. Values are ids and fixed words only (never ":" nor names), so
every string stays far below Telegram's 64-byte limit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from domain.i18n import translate
from domain.messaging import event_texts

APPOINTMENT_PREFIX = "ap"
REVIEW_PREFIX = "rv"
RATINGS = (1, 2, 3, 4, 5)


class AppointmentAction(StrEnum):
    CONFIRM = "confirm"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"


def appointment_action(action: AppointmentAction, appointment_id: int) -> str:
    """callback_data of an appointment button, e.g. `ap:confirm:42`."""
    return f"{APPOINTMENT_PREFIX}:{action.value}:{appointment_id}"


def review_rating(appointment_id: int, rating: int) -> str:
    """callback_data of a rating button, e.g. `rv:42:5`."""
    return f"{REVIEW_PREFIX}:{appointment_id}:{rating}"


def _button(text: str, callback_data: str) -> dict[str, str]:
    return {"text": text, "callback_data": callback_data}


def confirmation_keyboard(appointment_id: int, language: str) -> dict[str, Any]:
    """Confirm / reschedule / cancel, as a Bot API InlineKeyboardMarkup."""
    labels = (
        (AppointmentAction.CONFIRM, event_texts.BUTTON_CONFIRM),
        (AppointmentAction.RESCHEDULE, event_texts.BUTTON_RESCHEDULE),
        (AppointmentAction.CANCEL, event_texts.BUTTON_CANCEL),
    )
    return {
        "inline_keyboard": [
            [_button(translate(language, label), appointment_action(action, appointment_id))]
            for action, label in labels
        ]
    }


def rating_keyboard(appointment_id: int) -> dict[str, Any]:
    """One row of 1..5 star buttons."""
    return {
        "inline_keyboard": [
            [_button(f"{rating}⭐", review_rating(appointment_id, rating)) for rating in RATINGS]
        ]
    }


def link_keyboard(text: str, url: str) -> dict[str, Any]:
    """A single URL button."""
    return {"inline_keyboard": [[{"text": text, "url": url}]]}
