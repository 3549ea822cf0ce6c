"""Messages about an appointment to its two sides, in each one's language and time zone."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, Protocol

from db.enums import Actor, AppointmentStatus
from db.plain_sql import insert
from domain.audit import Initiator
from domain.i18n import translate
from domain.messaging import outbox, texts
from domain.messaging.outbox import Message
from domain.zones import when_text


class Side(Protocol):
    """Whom a notice goes to: a Client or Psychologist model, or the domain's record of one."""

    id: int
    name: str
    telegram_id: int | None
    language: str
    timezone: str


class ClientSide(Side, Protocol):
    blocked_bot: bool


class Subject(Protocol):
    """The appointment a notice is about: its model, or the domain's record of it."""

    id: int
    starts_at: datetime
    status: AppointmentStatus


Notice = Literal["booked", "cancelled", "auto_cancelled", "moved", "confirmed", "status"]

# Which text each side gets for a notice; None: that side is not told.
_CLIENT_TEXT: dict[Notice, str | None] = {
    "booked": texts.BOOKED_CLIENT,
    "cancelled": texts.CANCELLED_CLIENT,
    "auto_cancelled": texts.AUTO_CANCELLED_CLIENT,
    "moved": texts.MOVED_CLIENT,
    "confirmed": None,
    "status": texts.STATUS_CLIENT,
}
_PSYCHOLOGIST_TEXT: dict[Notice, str | None] = {
    "booked": texts.BOOKED_PSYCHOLOGIST,
    "cancelled": texts.CANCELLED_PSYCHOLOGIST,
    "auto_cancelled": texts.CANCELLED_PSYCHOLOGIST,
    "moved": texts.MOVED_PSYCHOLOGIST,
    "confirmed": texts.CONFIRMED_PSYCHOLOGIST,
    "status": None,
}


def notice_key_prefix(appointment_id: int, notice: Notice) -> str:
    """The start of every Outbox key of this notice about this appointment."""
    return f"appt:{appointment_id}:{notice}:"


def notice_messages(
    appointment: Subject,
    client: ClientSide,
    psychologist: Side,
    notice: Notice,
    *,
    initiator: Initiator,
    old_starts_at: datetime | None = None,
    reason: str | None = None,
    stamp: str,
) -> list[Message]:
    """The notice's messages to the client and the psychologist, except to the side that made
    it, to one without a chat and to a client who blocked the bot."""
    sides = (
        (Actor.CLIENT, _CLIENT_TEXT[notice], client.telegram_id, client, client.blocked_bot),
        (
            Actor.PSYCHOLOGIST,
            _PSYCHOLOGIST_TEXT[notice],
            psychologist.telegram_id,
            psychologist,
            False,
        ),
    )
    messages = []
    for side, message, chat_id, person, blocked in sides:
        if message is None or side == initiator.actor or chat_id is None or blocked:
            continue
        language, zone = person.language, person.timezone
        text = translate(
            language,
            message,
            psychologist=psychologist.name,
            client=client.name or translate(language, texts.CLIENT_FALLBACK_NAME),
            when=when_text(appointment.starts_at, zone, language),
            old=when_text(old_starts_at, zone, language) if old_starts_at else "",
            status=translate(language, texts.STATUS_NAMES[appointment.status]),
        )
        if reason:
            text += "\n" + translate(language, texts.REASON, reason=reason)
        messages.append(
            Message(
                chat_id=chat_id,
                text=text,
                kind=f"appointment.{notice}",
                dedup_key=f"{notice_key_prefix(appointment.id, notice)}{side.value}:{stamp}",
                client_id=client.id if side == Actor.CLIENT else None,
                psychologist_id=psychologist.id if side == Actor.PSYCHOLOGIST else None,
            )
        )
    return messages


def new_stamp() -> str:
    """What makes the keys of one notice's messages unique."""
    return uuid.uuid4().hex[:12]


async def notify_sides(
    appointment: Subject,
    client: ClientSide,
    psychologist: Side,
    notice: Notice,
    *,
    initiator: Initiator,
    now: datetime,
    old_starts_at: datetime | None = None,
    reason: str | None = None,
    dedup_stamp: str | None = None,
) -> None:
    """Queue the notice for the client and the psychologist (`notice_messages`).

    `dedup_stamp` makes the Outbox keys deterministic, so a repeated call (a webhook delivered
    twice) queues nothing new; by default every call is a new message.
    """
    messages = notice_messages(
        appointment,
        client,
        psychologist,
        notice,
        initiator=initiator,
        old_starts_at=old_starts_at,
        reason=reason,
        stamp=dedup_stamp or new_stamp(),
    )
    await insert(outbox.rows(messages, now))
