"""The review request's rating buttons (`rv:<appointment>:<rating>`), sent to both sides after
a session: the client and the psychologist each rate, then may add a few words."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot

from bot.keyboards.outbox import outbox_keyboard
from db.enums import AppointmentStatus, ReviewAuthor
from db.models import Appointment, AuditLog, Review
from domain.messaging import buttons
from tests.harness.bot_users import Person, register
from tests.harness.builders import hours_from_now, make_bookable_psychologist


async def _review_request(bot: Bot, someone: Person, appointment_id: int) -> int:
    """The scheduler's review request as the sender delivers it: text and 1..5 star buttons."""
    markup = outbox_keyboard(buttons.rating_keyboard(appointment_id))
    sent = await bot.send_message(someone.id, "How was the session?", reply_markup=markup)
    return sent.message_id


async def test_both_sides_rate_a_session_and_add_words(
    person: Callable[..., Person], running_bot: Bot
) -> None:
    anna = person("en")
    client = await register(anna)
    maria_user = person("en", "Maria")
    maria = await make_bookable_psychologist(
        "Maria Ivanova", telegram_id=maria_user.id, language="en"
    )
    appointment = await Appointment.create(
        client=client,
        psychologist=maria,
        starts_at=hours_from_now(-2),
        status=AppointmentStatus.COMPLETED,
    )

    for someone, rating, words in ((maria_user, 4, "A good start"), (anna, 5, "Very helpful")):
        message_id = await _review_request(running_bot, someone, appointment.id)
        answer = await someone.click_data(message_id, f"rv:{appointment.id}:{rating}")
        assert answer.get("text") is None  # answered quietly, not "out of date"
        await someone.expect("Thank you for the rating!")
        await someone.send_text(words)
        await someone.expect("Thank you for your review!")

    saved = {
        r.author: (r.rating, r.text) for r in await Review.filter(appointment_id=appointment.id)
    }
    assert saved == {
        ReviewAuthor.PSYCHOLOGIST: (4, "A good start"),
        ReviewAuthor.CLIENT: (5, "Very helpful"),
    }
    actors = await AuditLog.filter(action="review.saved").values_list("actor", flat=True)
    assert sorted(set(actors)) == ["client", "psychologist"]


async def test_a_psychologist_cannot_rate_a_cancelled_or_someone_elses_session(
    person: Callable[..., Person], running_bot: Bot
) -> None:
    anna = person("en")
    client = await register(anna)
    maria_user, oleg_user = person("en", "Maria"), person("en", "Oleg")
    maria = await make_bookable_psychologist(
        "Maria Ivanova", telegram_id=maria_user.id, language="en"
    )
    await make_bookable_psychologist("Oleg Petrov", telegram_id=oleg_user.id, language="en")
    cancelled = await Appointment.create(
        client=client,
        psychologist=maria,
        starts_at=hours_from_now(-2),
        status=AppointmentStatus.CANCELLED,
    )
    message_id = await _review_request(running_bot, maria_user, cancelled.id)
    answer = await maria_user.click_data(message_id, f"rv:{cancelled.id}:3")
    assert answer["text"] == "This session can no longer be rated."

    message_id = await _review_request(running_bot, oleg_user, cancelled.id)
    answer = await oleg_user.click_data(message_id, f"rv:{cancelled.id}:1")
    assert answer["text"] == "This session can no longer be rated."
    assert await Review.filter(appointment_id=cancelled.id).count() == 0
