"""A database webhook about the slots table (Supabase style): a status changed outside the app.

It becomes what an internal change would have done: a slot that turned free while booked
cancels the booking (both sides are told); a slot that turned booked announces the booking
if nobody was told yet. Outbox keys are deterministic, so a repeated delivery sends nothing
twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from db.enums import AppointmentStatus, SlotStatus
from db.models import Appointment, Outbox
from domain.audit import Initiator
from domain.booking import appointments
from domain.messaging.notices import Notice, notice_key_prefix, notify_sides
from domain.statuses import ACTIVE
from domain.timerules import utcnow

FREED_REASON = "the slot was freed in the database"


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    slot_id: int
    appointment_id: int | None
    notice: Notice | None
    queued: bool  # False: nothing to tell, or it was told already


async def _told(appointment_id: int, notice: Notice) -> bool:
    return await Outbox.filter(
        dedup_key__startswith=notice_key_prefix(appointment_id, notice)
    ).exists()


async def _tell(
    appointment: Appointment, notice: Notice, initiator: Initiator, now: datetime
) -> bool:
    if await _told(appointment.id, notice):
        return False
    async with in_transaction():
        client, psychologist = await appointments.load_sides(appointment)
        await notify_sides(
            appointment,
            client,
            psychologist,
            notice,
            initiator=initiator,
            now=now,
            dedup_stamp="webhook",
        )
    return True


async def slot_status_changed(
    slot_id: int,
    old_status: SlotStatus | None,
    new_status: SlotStatus,
    initiator: Initiator,
    *,
    now: datetime | None = None,
) -> WebhookOutcome:
    """Apply a slot's status change reported by the database webhook."""
    now = now or utcnow()
    latest = await Appointment.filter(slot_id=slot_id).order_by("-created_at").first()
    if latest is None or new_status in {old_status, SlotStatus.HELD}:
        return WebhookOutcome(slot_id, latest.id if latest else None, None, False)
    if new_status == SlotStatus.BOOKED:
        if latest.status not in ACTIVE:
            return WebhookOutcome(slot_id, latest.id, None, False)
        queued = await _tell(latest, "booked", initiator, now)
        return WebhookOutcome(slot_id, latest.id, "booked", queued)
    if latest.status in ACTIVE:
        await appointments.cancel(latest.id, initiator, reason=FREED_REASON, now=now)
        return WebhookOutcome(slot_id, latest.id, "cancelled", True)
    if latest.status == AppointmentStatus.CANCELLED:
        notice: Notice = "auto_cancelled" if latest.auto_canceled else "cancelled"
        queued = await _tell(latest, notice, initiator, now)
        return WebhookOutcome(slot_id, latest.id, notice, queued)
    return WebhookOutcome(slot_id, latest.id, None, False)
