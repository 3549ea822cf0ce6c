"""The buttons the domain describes in Outbox rows, as the sender builds them: the bot's
CallbackData factories parse their data, their labels are in the reader's language, and a row
queued with Telegram's own markup (before buttons were described) goes out as it is."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import AppointmentAction, AppointmentCb, ReviewCb
from bot.keyboards.outbox import UnreadableKeyboard, outbox_keyboard
from domain.messaging.buttons import confirmation_keyboard, rating_keyboard


def built(description: dict[str, Any]) -> InlineKeyboardMarkup:
    markup = outbox_keyboard(description)
    assert markup is not None
    return markup


def test_appointment_buttons_round_trip_through_aiogram() -> None:
    rows = built(confirmation_keyboard(2_000_000_000, "ru")).inline_keyboard
    actions = (AppointmentAction.CONFIRM, AppointmentAction.RESCHEDULE, AppointmentAction.CANCEL)
    for [button], action in zip(rows, actions, strict=True):
        packed = button.callback_data
        assert packed is not None
        assert AppointmentCb.unpack(packed) == AppointmentCb(
            action=action, appointment_id=2_000_000_000
        )
        assert packed == f"ap:{action.value}:2000000000"
        assert len(packed.encode()) <= 64


def test_rating_buttons_round_trip_through_aiogram() -> None:
    [row] = built(rating_keyboard(7)).inline_keyboard
    assert [button.text for button in row] == ["1⭐", "2⭐", "3⭐", "4⭐", "5⭐"]
    packed = row[4].callback_data
    assert packed is not None
    assert ReviewCb.unpack(packed) == ReviewCb(appointment_id=7, rating=5)


def test_confirmation_keyboard_is_translated() -> None:
    rows = built(confirmation_keyboard(3, "ru")).inline_keyboard
    assert [row[0].text for row in rows] == ["✅ Приду", "🔁 Перенести", "❌ Отменить"]
    rows = built(confirmation_keyboard(3, "en")).inline_keyboard
    assert [row[0].text for row in rows] == ["✅ I will come", "🔁 Reschedule", "❌ Cancel"]


def test_a_row_queued_with_telegrams_markup_goes_out_as_it_is() -> None:
    queued = {"inline_keyboard": [[{"text": "✅ Приду", "callback_data": "ap:confirm:3"}]]}
    assert built(queued).model_dump(exclude_none=True) == queued
    assert outbox_keyboard(None) is None


@pytest.mark.parametrize(
    "stored",
    [
        {"buttons": "nothing we know"},
        {"buttons": "rating"},
        {"buttons": "rating", "appointment_id": "seven"},
        {"inline_keyboard": "not rows"},
        ["not", "an", "object"],
    ],
)
def test_an_unreadable_keyboard_is_refused(stored: Any) -> None:
    with pytest.raises(UnreadableKeyboard):
        outbox_keyboard(stored)
