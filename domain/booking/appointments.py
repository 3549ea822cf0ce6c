"""The booking core: hold a slot, book it, confirm, cancel, reschedule, move along the board.

Each function is one short transaction. Contention is settled by conditional UPDATEs whose
WHERE clause states what must still be true (the slot is free, or held by this client), so
the database decides the race and the loser gets a domain error, never a half-written record.
Every change writes its audit row, its messages (Outbox) and its planned events in the same
transaction, and is announced to the live board after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from db.enums import AppointmentStatus, EventKind, SlotStatus, TicketStatus
from db.models import Appointment, Client, Psychologist, Slot, Ticket
from db.plain_sql import insert
from domain import audit
from domain.audit import Initiator
from domain.booking import board, planning, taking
from domain.booking.board import AppointmentCard
from domain.booking.conference import check_meeting_link
from domain.changes import appointment_changed, data_changed
from domain.errors import (
    BookingLimitReached,
    Conflict,
    DomainError,
    HoldRequired,
    NotFound,
    SessionBegun,
    SlotBooked,
    SlotHeld,
    SlotInPast,
)
from domain.messaging import outbox
from domain.messaging.notices import Notice, new_stamp, notice_messages, notify_sides
from domain.schedule.slots import free_now
from domain.statuses import ACTIVE, AFTER_START, check_transition
from domain.timerules import MSK, format_slot, utcnow

HOLD_TTL = timedelta(minutes=5)
_HOLD_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Hold:
    slot_id: int
    held_until: datetime


async def refuse_unavailable(slot_id: int, client_id: int | None, now: datetime) -> DomainError:
    """The domain error that says why `slot_id` cannot be taken by `client_id` now."""
    slot = await Slot.filter(id=slot_id).first()
    if slot is None:
        return NotFound("slot not found", field="slot_id")
    when = format_slot(slot.starts_at, MSK)
    if slot.starts_at <= now:
        return SlotInPast(f"{when} has already begun", field="slot_id")
    if slot.status == SlotStatus.BOOKED:
        return SlotBooked(f"{when} is already booked", field="slot_id")
    held_live = slot.status == SlotStatus.HELD and slot.held_until and slot.held_until > now
    if held_live and slot.held_by_id != client_id:
        return SlotHeld(
            f"{when} is being booked by another client",
            field="slot_id",
            held_until=slot.held_until,
        )
    return HoldRequired(f"hold {when} first: the hold is missing or has run out", field="slot_id")


async def hold_slot(client_id: int, slot_id: int, *, now: datetime | None = None) -> Hold:
    """Hold a slot for the client for five minutes; the client's previous hold is released.

    Holding the slot one already holds renews the hold. A client who holds no other slot
    (most of them) gets it in one statement; one who does has the other released in the
    transaction that takes this one, so a refusal leaves them their hold.
    """
    now = now or utcnow()
    until = now + HOLD_TTL
    for attempt in range(_HOLD_ATTEMPTS):
        try:
            if not await taking.take_hold(client_id, slot_id, now, until, only=True):
                async with in_transaction():
                    await taking.release_other_holds(client_id, slot_id)
                    if not await taking.take_hold(client_id, slot_id, now, until):
                        raise await refuse_unavailable(slot_id, client_id, now)
            await data_changed("slots.changed")
            return Hold(slot_id=slot_id, held_until=until)
        except IntegrityError as exc:
            # The same client holding two slots at once: the unique hold owner makes one
            # of the two fail; try again so the latest choice wins.
            if attempt == _HOLD_ATTEMPTS - 1:
                raise Conflict("another hold of yours is in progress", field="slot_id") from exc
    raise AssertionError("unreachable")


async def release_hold(client_id: int) -> None:
    """Give back the client's hold, if any (leaving the booking flow)."""
    released = await Slot.filter(held_by_id=client_id, status=SlotStatus.HELD).update(
        status=SlotStatus.FREE, held_by_id=None, held_until=None
    )
    if released:
        await data_changed("slots.changed")


async def load_sides(appointment: Appointment) -> tuple[Client, Psychologist]:
    """The appointment's client and psychologist, to tell them of a change."""
    client = await Client.get(id=appointment.client_id)
    psychologist = await Psychologist.get(id=appointment.psychologist_id)
    return client, psychologist


async def _locked_appointment(appointment_id: int) -> Appointment:
    appointment = await Appointment.filter(id=appointment_id).select_for_update().first()
    if appointment is None:
        raise NotFound("appointment not found", field="appointment_id")
    return appointment


async def check_booking_limit(client_id: int, max_active: int, now: datetime) -> None:
    """Refuse one more booking to a client who has `max_active` upcoming active bookings
    already (0: no limit). A weekly series counts as one booking, however many of its
    sessions are still to come."""
    if max_active <= 0:
        return
    count = await taking.upcoming_bookings(client_id, now)
    if count >= max_active:
        raise BookingLimitReached(
            f"you have {count} upcoming bookings; at most {max_active} can be booked at once",
            field="slot_id",
            limit=max_active,
        )


async def lock_parties(
    client_id: int, slot_id: int, service_id: int | None = None
) -> taking.Parties:
    """In a transaction: whom booking `slot_id` concerns, the client's row locked: two
    bookings of one client at once are counted one after the other against the limit."""
    parties = await taking.lock_parties(client_id, slot_id, service_id)
    if parties is None:
        raise NotFound("client not found", field="client_id")
    return parties


def bookable(client_id: int, *, require_own_hold: bool) -> taking.Takeable:
    """The slots the client may book: held by them, and, without `require_own_hold`, free
    ones too."""
    return taking.Takeable(holder=client_id, free=not require_own_hold)


FREE_ONLY = taking.Takeable(holder=None, free=True)


@dataclass(frozen=True, slots=True)
class Booking:
    """A booking just made: the appointment, and its card as the board shows it."""

    appointment: Appointment
    card: AppointmentCard


async def book(client_id: int, slot_id: int, initiator: Initiator, **options: Any) -> Appointment:
    """Book the slot for the client (`book_with_card`, whose options it takes)."""
    booking = await book_with_card(client_id, slot_id, initiator, **options)
    return booking.appointment


async def book_with_card(
    client_id: int,
    slot_id: int,
    initiator: Initiator,
    *,
    service_id: int | None = None,
    ticket_id: int | None = None,
    require_own_hold: bool = True,
    auto_assigned: bool = False,
    meeting_link: str = "",
    max_active: int = 0,
    now: datetime | None = None,
) -> Booking:
    """Book the slot for the client, consuming the client's hold.

    With `require_own_hold=False` a free slot is held and booked in one step (the API's
    direct booking, a manager's phone booking, automatch); a slot held by someone else is
    still refused. A client's own booking passes `max_active` (MAX_ACTIVE_BOOKINGS): one past
    it is refused with BookingLimitReached.
    """
    now = now or utcnow()
    check_meeting_link(meeting_link)
    async with in_transaction():
        parties = await lock_parties(client_id, slot_id, service_id)
        await check_booking_limit(client_id, max_active, now)
        appointment = await book_locked(
            parties,
            slot_id,
            bookable(client_id, require_own_hold=require_own_hold),
            initiator,
            service_id=service_id,
            ticket_id=ticket_id,
            auto_assigned=auto_assigned,
            meeting_link=meeting_link,
            now=now,
        )
        if appointment is None:
            raise await refuse_unavailable(slot_id, client_id, now)
    card = board.new_card(appointment, parties)
    await appointment_changed("appointment.created", appointment.id, card)
    return Booking(appointment, card)


async def book_locked(
    parties: taking.Parties,
    slot_id: int,
    takeable: taking.Takeable,
    initiator: Initiator,
    *,
    service_id: int | None = None,
    ticket_id: int | None = None,
    auto_assigned: bool = False,
    meeting_link: str = "",
    series_id: int | None = None,
    now: datetime,
) -> Appointment | None:
    """Inside the caller's transaction (the client's row locked by `lock_parties`, for a slot
    of the same psychologist as this one): take the slot if it is still `takeable` and write
    the appointment with its events, messages and audit row, in three statements; None when
    the slot was not takeable. The caller announces the change after commit."""
    slot = await taking.take_slot(slot_id, takeable, now)
    if slot is None:
        return None
    psychologist, service = parties.psychologist, parties.service
    assert psychologist is not None and psychologist.id == slot.psychologist_id
    if service_id is not None and service is None:
        raise NotFound("service not found", field="service_id")
    plan = planning.plan_for(slot.starts_at, timedelta(minutes=slot.duration_min), now)
    confirmed, written_at = plan.confirmed_on_booking, utcnow()
    appointment = await taking.insert_appointment(
        {
            "slot_id": slot.id,
            "active_slot_id": slot.id,
            "client_id": parties.client.id,
            "psychologist_id": psychologist.id,
            "service_id": service_id,
            "ticket_id": ticket_id,
            "series_id": series_id,
            "status": (AppointmentStatus.CONFIRMED if confirmed else AppointmentStatus.NEW).value,
            "confirmed": confirmed,
            "confirmed_at": now if confirmed else None,
            "starts_at": slot.starts_at,
            "duration_min": slot.duration_min,
            "auto_assigned": auto_assigned,
            "created_by": initiator.actor.value,
            "price": service.price if service else psychologist.min_price,
            "meeting_link": meeting_link,
            "meeting_id": "",
            "calendar_meeting_id": "",
            "auto_canceled": False,
            "late_cancel": False,
            "cancel_reason": None,
            "cancelled_at": None,
            "created_at": written_at,
            "updated_at": written_at,
        }
    )
    if ticket_id is not None:
        await Ticket.filter(id=ticket_id).update(
            status=TicketStatus.ASSIGNED, psychologist_id=psychologist.id
        )
    # The managers hear of it from the event runner (its manager alert): off this request,
    # and never lost.
    events = {**plan.events, EventKind.MANAGER_ALERT: now}
    messages = notice_messages(
        appointment,
        parties.client,
        psychologist,
        "booked",
        initiator=initiator,
        stamp=new_stamp(),
    )
    await insert(
        planning.new_event_rows(appointment.id, events, written_at),
        audit.entry(
            initiator,
            "appointment.created",
            "appointment",
            appointment.id,
            at=written_at,
            slot_id=slot.id,
        ),
        outbox.rows(messages, now),
    )
    return appointment


async def confirm(
    appointment_id: int, initiator: Initiator, *, now: datetime | None = None
) -> Appointment:
    """The client confirms attendance: the rest of the confirmation chain is called off."""
    now = now or utcnow()
    async with in_transaction():
        appointment = await _locked_appointment(appointment_id)
        if appointment.status == AppointmentStatus.CONFIRMED:
            return appointment  # a second tap on "confirm" changes nothing
        await _confirm_locked(appointment, initiator, now)
    await appointment_changed("appointment.updated", appointment.id)
    return appointment


async def _confirm_locked(appointment: Appointment, initiator: Initiator, now: datetime) -> None:
    check_transition(appointment.status, AppointmentStatus.CONFIRMED)
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.confirmed, appointment.confirmed_at = True, now
    await appointment.save(update_fields=["status", "confirmed", "confirmed_at", "updated_at"])
    await planning.cancel_events(appointment.id, "confirmed", planning.CONFIRMATION_CHAIN)
    await audit.record(initiator, "appointment.confirmed", "appointment", appointment.id)
    client, psychologist = await load_sides(appointment)
    await notify_sides(
        appointment, client, psychologist, "confirmed", initiator=initiator, now=now
    )


def late_cancel(starts_at: datetime, late_cancel_hours: int, now: datetime) -> bool:
    """Whether a client's cancel at `now` is a late one: `late_cancel_hours`
    (LATE_CANCEL_HOURS) or less before the start. SessionBegun once the session has begun: its
    client can no longer cancel it."""
    if starts_at <= now:
        raise SessionBegun(
            "the session has begun; it can no longer be cancelled",
            field="starts_at",
            starts_at=starts_at,
        )
    return starts_at - now <= timedelta(hours=late_cancel_hours)


async def cancel(
    appointment_id: int,
    initiator: Initiator,
    *,
    reason: str = "",
    auto: bool = False,
    only_unconfirmed: bool = False,
    late_cancel_hours: int | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Cancel an appointment: the slot is free again, its planned events are called off.

    `only_unconfirmed` (the auto-cancel) refuses with Conflict when the client confirmed
    meanwhile: the check and the cancel happen under one row lock.

    The client's own cancel passes `late_cancel_hours` (LATE_CANCEL_HOURS): see
    `late_cancel`. Staff and automatic cancels pass none: they are never late cancels, and
    staff may cancel a session that has begun (one that is not taking place).
    """
    now = now or utcnow()
    async with in_transaction():
        appointment = await _locked_appointment(appointment_id)
        if only_unconfirmed and appointment.confirmed:
            raise Conflict("the appointment has been confirmed", field="confirmed")
        await _cancel_locked(
            appointment, initiator, reason, auto, now, late_cancel_hours=late_cancel_hours
        )
    await appointment_changed("appointment.updated", appointment.id)
    return appointment


async def _cancel_locked(
    appointment: Appointment,
    initiator: Initiator,
    reason: str,
    auto: bool,
    now: datetime,
    *,
    late_cancel_hours: int | None = None,
) -> None:
    check_transition(appointment.status, AppointmentStatus.CANCELLED)
    late = late_cancel_hours is not None and late_cancel(
        appointment.starts_at, late_cancel_hours, now
    )
    slot_id = appointment.active_slot_id
    appointment.status = AppointmentStatus.CANCELLED
    appointment.active_slot_id = None
    appointment.cancel_reason = reason[:1000] or None
    appointment.auto_canceled = auto
    appointment.cancelled_at, appointment.late_cancel = now, late
    await appointment.save(
        update_fields=[
            "status",
            "active_slot_id",
            "cancel_reason",
            "auto_canceled",
            "cancelled_at",
            "late_cancel",
            "updated_at",
        ]
    )
    if slot_id is not None:
        await Slot.filter(id=slot_id).update(
            status=SlotStatus.FREE, held_by_id=None, held_until=None
        )
    await planning.cancel_events(appointment.id, "appointment cancelled")
    await planning.arm_calendar_sync(appointment, now)
    await audit.record(
        initiator,
        "appointment.cancelled",
        "appointment",
        appointment.id,
        reason=reason,
        auto=auto,
        late_cancel=late,
    )
    client, psychologist = await load_sides(appointment)
    notice: Notice = "auto_cancelled" if auto else "cancelled"
    await notify_sides(
        appointment,
        client,
        psychologist,
        notice,
        initiator=initiator,
        now=now,
        reason=reason or None,
    )


async def reschedule(
    appointment_id: int,
    new_slot_id: int,
    initiator: Initiator,
    *,
    now: datetime | None = None,
) -> Appointment:
    """Move an active appointment to another slot in one step: the new slot must be free or
    held by the appointment's client; the old slot is freed; the events move with it."""
    now = now or utcnow()
    async with in_transaction():
        appointment = await _locked_appointment(appointment_id)
        if appointment.status not in ACTIVE:
            raise Conflict(
                f"a {appointment.status.value} appointment cannot be moved", field="status"
            )
        if appointment.slot_id == new_slot_id:
            return appointment  # already there: the move asked for is done
        taken = await Slot.filter(
            Q(id=new_slot_id, starts_at__gt=now)
            & (
                free_now(now)
                | Q(status=SlotStatus.HELD, held_by_id=appointment.client_id, held_until__gt=now)
            )
        ).update(status=SlotStatus.BOOKED, held_by_id=None, held_until=None)
        if not taken:
            raise await refuse_unavailable(new_slot_id, appointment.client_id, now)
        old_slot_id, old_starts_at = appointment.active_slot_id, appointment.starts_at
        if old_slot_id is not None:
            await Slot.filter(id=old_slot_id).update(status=SlotStatus.FREE)
        new_slot = await Slot.get(id=new_slot_id)
        appointment.slot_id = appointment.active_slot_id = new_slot.id
        appointment.psychologist_id = new_slot.psychologist_id
        appointment.starts_at, appointment.duration_min = new_slot.starts_at, new_slot.duration_min
        await appointment.save(
            update_fields=[
                "slot_id",
                "active_slot_id",
                "psychologist_id",
                "starts_at",
                "duration_min",
                "updated_at",
            ]
        )
        plan = planning.plan_for(
            new_slot.starts_at,
            timedelta(minutes=new_slot.duration_min),
            now,
            confirmed=appointment.confirmed,
        )
        await planning.write_events(appointment, plan.events)
        await planning.arm_calendar_sync(appointment, now)
        await audit.record(
            initiator,
            "appointment.rescheduled",
            "appointment",
            appointment.id,
            from_slot=old_slot_id,
            to_slot=new_slot.id,
        )
        client, psychologist = await load_sides(appointment)
        await notify_sides(
            appointment,
            client,
            psychologist,
            "moved",
            initiator=initiator,
            now=now,
            old_starts_at=old_starts_at,
        )
    await appointment_changed("appointment.updated", appointment.id)
    return appointment


async def change_status(
    appointment_id: int,
    target: AppointmentStatus,
    initiator: Initiator,
    *,
    reason: str = "",
    notify: bool = True,
    now: datetime | None = None,
) -> Appointment:
    """Move an appointment to another board column, by the transition table.

    `notify=False` (the scheduled "completed after the end") tells nobody of a plain status
    move; cancel and confirm always tell.
    """
    now = now or utcnow()
    async with in_transaction():
        appointment = await _locked_appointment(appointment_id)
        if target == appointment.status:
            return appointment
        check_transition(appointment.status, target)
        if target == AppointmentStatus.CANCELLED:
            await _cancel_locked(appointment, initiator, reason, False, now)
        elif target == AppointmentStatus.CONFIRMED:
            await _confirm_locked(appointment, initiator, now)
        else:
            if target in AFTER_START and appointment.starts_at > now:
                raise Conflict(
                    f"the session has not begun yet; it cannot be {target.value}",
                    field="status",
                )
            previous = appointment.status
            appointment.status = target
            await appointment.save(update_fields=["status", "updated_at"])
            await planning.cancel_events(
                appointment.id, f"marked {target.value}", planning.CONFIRMATION_CHAIN
            )
            await audit.record(
                initiator,
                "appointment.status",
                "appointment",
                appointment.id,
                previous=previous.value,
                status=target.value,
            )
            if notify:
                client, psychologist = await load_sides(appointment)
                await notify_sides(
                    appointment, client, psychologist, "status", initiator=initiator, now=now
                )
    await appointment_changed("appointment.updated", appointment.id)
    return appointment
