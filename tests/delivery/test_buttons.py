"""The callback_data the domain writes is what the bot's aiogram CallbackData factories parse."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from domain.messaging.buttons import (
    AppointmentAction,
    appointment_action,
    confirmation_keyboard,
    review_rating,
)


class AppointmentButton(CallbackData, prefix="ap"):
    action: AppointmentAction
    appointment_id: int


class ReviewButton(CallbackData, prefix="rv"):
    appointment_id: int
    rating: int


def test_appointment_buttons_round_trip_through_aiogram() -> None:
    for action in AppointmentAction:
        packed = appointment_action(action, 2_000_000_000)
        assert AppointmentButton.unpack(packed) == AppointmentButton(
            action=action, appointment_id=2_000_000_000
        )
        assert AppointmentButton(action=action, appointment_id=2_000_000_000).pack() == packed
        assert len(packed.encode()) <= 64


def test_rating_buttons_round_trip_through_aiogram() -> None:
    assert ReviewButton.unpack(review_rating(7, 5)) == ReviewButton(appointment_id=7, rating=5)


def test_confirmation_keyboard_is_translated() -> None:
    rows = confirmation_keyboard(3, "ru")["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["✅ Приду", "🔁 Перенести", "❌ Отменить"]
    rows = confirmation_keyboard(3, "en")["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["✅ I will come", "🔁 Reschedule", "❌ Cancel"]
