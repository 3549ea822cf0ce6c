"""Buttons under a message the domain queues, described by what they are for. The bot turns a
description into Telegram's keyboard, with its own callback data, when it sends the message.

A description is a plain JSON object in the Outbox row's reply_markup column, e.g.

    {"buttons": "confirmation", "appointment_id": 42, "language": "ru"}
    {"buttons": "rating", "appointment_id": 42}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class ConfirmationButtons:
    """Confirm / reschedule / cancel the appointment, labelled in `language`."""

    KIND: ClassVar[str] = "confirmation"
    appointment_id: int
    language: str


@dataclass(frozen=True, slots=True)
class RatingButtons:
    """One row of 1..5 stars rating the appointment."""

    KIND: ClassVar[str] = "rating"
    appointment_id: int


@dataclass(frozen=True, slots=True)
class WaitlistOfferButtons:
    """Take the waitlist's offer of a time, labelled in `language`."""

    KIND: ClassVar[str] = "waitlist_offer"
    offer_id: int
    language: str


Buttons = ConfirmationButtons | RatingButtons | WaitlistOfferButtons
_KINDS: dict[str, type[Buttons]] = {
    kind.KIND: kind for kind in (ConfirmationButtons, RatingButtons, WaitlistOfferButtons)
}


def describe(buttons: Buttons) -> dict[str, Any]:
    """The JSON description stored with a queued message."""
    return {"buttons": buttons.KIND, **asdict(buttons)}


def read(description: Mapping[str, Any]) -> Buttons:
    """The buttons a stored description names; ValueError when it names none."""
    fields = dict(description)
    kind = _KINDS.get(str(fields.pop("buttons", "")))
    if kind is None:
        raise ValueError(f"no buttons described by the keys {sorted(description)}")
    try:
        return kind(**fields)
    except TypeError as exc:
        raise ValueError(f"{kind.KIND} buttons: {exc}") from exc


def confirmation_keyboard(appointment_id: int, language: str) -> dict[str, Any]:
    """The description of the confirm / reschedule / cancel buttons."""
    return describe(ConfirmationButtons(appointment_id, language))


def rating_keyboard(appointment_id: int) -> dict[str, Any]:
    """The description of the 1..5 star buttons."""
    return describe(RatingButtons(appointment_id))


def waitlist_offer_keyboard(offer_id: int, language: str) -> dict[str, Any]:
    """The description of the button that takes a waitlist offer."""
    return describe(WaitlistOfferButtons(offer_id, language))
