"""Reviews: the answers to the review request sent after a session (one per side)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from db.enums import AppointmentStatus, ReviewAuthor
from db.models import Appointment, Client, Psychologist, Review
from domain import audit
from domain.audit import Initiator
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.messaging.buttons import RATINGS

MAX_REVIEW_LENGTH = 4000
_NOT_REVIEWABLE = frozenset({AppointmentStatus.CANCELLED})


async def author_of(appointment_id: int, telegram_id: int) -> ReviewAuthor:
    """Which side of the appointment a Telegram user is; Forbidden for anyone else."""
    appointment = await Appointment.filter(id=appointment_id).first()
    if appointment is None:
        raise NotFound("appointment not found", field="appointment_id")
    if await Client.filter(id=appointment.client_id, telegram_id=telegram_id).exists():
        return ReviewAuthor.CLIENT
    if await Psychologist.filter(id=appointment.psychologist_id, telegram_id=telegram_id).exists():
        return ReviewAuthor.PSYCHOLOGIST
    raise Forbidden("only the client and the psychologist of a session review it")


async def save_review(
    appointment_id: int,
    author: ReviewAuthor,
    initiator: Initiator,
    *,
    rating: int | None = None,
    text: str | None = None,
) -> Review:
    """Store one side's review; a later answer of the same side completes or corrects it
    (a rating tap, then a text message, make one review)."""
    if rating is None and text is None:
        raise InvalidInput("a review needs a rating or a text", field="rating")
    if rating is not None and rating not in RATINGS:
        raise InvalidInput(f"rating must be one of {RATINGS[0]}..{RATINGS[-1]}", field="rating")
    if text is not None and len(text) > MAX_REVIEW_LENGTH:
        raise InvalidInput(f"a review is at most {MAX_REVIEW_LENGTH} characters", field="text")
    async with in_transaction():
        appointment = await Appointment.filter(id=appointment_id).first()
        if appointment is None:
            raise NotFound("appointment not found", field="appointment_id")
        if appointment.status in _NOT_REVIEWABLE:
            raise Conflict("a cancelled session cannot be reviewed", field="appointment_id")
        review = await Review.filter(appointment_id=appointment_id, author=author).first()
        if review is None:
            review = await Review.create(
                appointment_id=appointment_id, author=author, rating=rating, text=text or ""
            )
        else:
            if rating is not None:
                review.rating = rating
            if text is not None:
                review.text = text
            await review.save(update_fields=["rating", "text"])
        await audit.record(
            initiator, "review.saved", "appointment", appointment_id, author=author.value
        )
    return review
