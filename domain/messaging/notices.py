"""Messages about an appointment to its two sides, in each one's language and time zone."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from db.enums import Actor
from db.models import Appointment, Client, Psychologist
from domain.audit import Initiator
from domain.i18n import translate
from domain.messaging import texts
from domain.messaging.outbox import enqueue
from domain.zones import when_text

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


async def notify_sides(
    appointment: Appointment,
    client: Client,
    psychologist: Psychologist,
    notice: Notice,
    *,
    initiator: Initiator,
    now: datetime,
    old_starts_at: datetime | None = None,
    reason: str | None = None,
    dedup_stamp: str | None = None,
) -> None:
    """Queue the notice for the client and the psychologist, except the side that made it.

    `dedup_stamp` makes the Outbox keys deterministic, so a repeated call (a webhook delivered
    twice) queues nothing new; by default every call is a new message.
    """
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
    stamp = dedup_stamp or uuid.uuid4().hex[:12]
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
        await enqueue(
            chat_id=chat_id,
            text=text,
            kind=f"appointment.{notice}",
            dedup_key=f"{notice_key_prefix(appointment.id, notice)}{side.value}:{stamp}",
            now=now,
            client_id=client.id if side == Actor.CLIENT else None,
            psychologist_id=psychologist.id if side == Actor.PSYCHOLOGIST else None,
            fresh_key=dedup_stamp is None,
        )
