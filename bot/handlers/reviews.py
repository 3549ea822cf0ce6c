"""The rating buttons of the review request sent to both sides after a session, and the few
words that may follow: a client's and a psychologist's alike."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.callbacks import ReviewCb
from bot.keyboards.common import home_keyboard
from bot.states import Reviewing
from bot.views import show, typed
from domain.audit import Initiator
from domain.booking import reviews
from domain.errors import DomainError
from domain.values import Actor, ReviewAuthor

AUTHOR_ACTORS = {ReviewAuthor.CLIENT: Actor.CLIENT, ReviewAuthor.PSYCHOLOGIST: Actor.PSYCHOLOGIST}


def initiator_of(author: ReviewAuthor, telegram_id: int) -> Initiator:
    return Initiator(AUTHOR_ACTORS[author], ref=str(telegram_id), source="bot")


async def on_rating(
    callback: CallbackQuery,
    callback_data: ReviewCb,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    appointment_id = callback_data.appointment_id
    telegram_id = callback.from_user.id
    try:
        author = await reviews.author_of(appointment_id, telegram_id)
        await reviews.save_review(
            appointment_id,
            author,
            initiator_of(author, telegram_id),
            rating=callback_data.rating,
        )
    except DomainError:
        callback_answer.text = _("This session can no longer be rated.")
        return
    await state.set_state(Reviewing.text)
    await state.update_data(appointment_id=appointment_id, author=author.value)
    await show(
        callback,
        (
            _(
                "Thank you for the rating! "
                "You can write a few words about the session in a message."
            ),
            home_keyboard(),
        ),
    )


async def process_review_text(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    await state.set_state(None)
    assert message.from_user is not None
    try:
        author = ReviewAuthor(str(data.get("author") or ReviewAuthor.CLIENT.value))
        await reviews.save_review(
            int(data.get("appointment_id") or 0),
            author,
            initiator_of(author, message.from_user.id),
            # Telegram allows 4,096 characters a message; the review keeps what fits.
            text=typed(message, reviews.MAX_REVIEW_LENGTH),
        )
    except DomainError:
        await message.answer(
            _("This session can no longer be reviewed."), reply_markup=home_keyboard()
        )
        return
    await message.answer(_("Thank you for your review!"), reply_markup=home_keyboard())


def router() -> Router:
    routes = Router(name=__name__)
    routes.callback_query.register(on_rating, ReviewCb.filter())
    routes.message.register(process_review_text, Reviewing.text, F.text)
    return routes
