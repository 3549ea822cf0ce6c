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

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from db.enums import AppointmentStatus, EventKind, SlotStatus, TicketStatus
from db.models import Appointment, Client, Psychologist, ScheduledEvent, Service, Slot, Ticket
from domain import audit
from domain.audit import Initiator
from domain.booking import planning
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
from domain.messaging.notices import Notice, notify_sides
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

    Holding the slot one already holds renews the hold.
    """
    now = now or utcnow()
    until = now + HOLD_TTL
    for attempt in range(_HOLD_ATTEMPTS):
        try:
            async with in_transaction():
                await (
                    Slot.filter(held_by_id=client_id)
                    .exclude(id=slot_id)
                    .update(status=SlotStatus.FREE, held_by_id=None, held_until=None)
                )
                taken = await Slot.filter(
                    Q(id=slot_id, starts_at__gt=now)
                    & (free_now(now) | Q(status=SlotStatus.HELD, held_by_id=client_id))
                ).update(status=SlotStatus.HELD, held_by_id=client_id, held_until=until)
                if not taken:
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
    upcoming = Appointment.filter(client_id=client_id, status__in=list(ACTIVE), starts_at__gt=now)
    single = await upcoming.filter(series_id=None).count()
    series = (
        await upcoming.filter(series_id__not_isnull=True)
        .distinct()
        .values_list("series_id", flat=True)
    )
    count = single + len(set(series))
    if count >= max_active:
        raise BookingLimitReached(
            f"you have {count} upcoming bookings; at most {max_active} can be booked at once",
            field="slot_id",
            limit=max_active,
        )


async def lock_client(client_id: int) -> Client:
    """The client's row, locked for the transaction: two bookings of one client at once are
    counted one after the other against the limit."""
    client = await Client.filter(id=client_id).select_for_update().first()
    if client is None:
        raise NotFound("client not found", field="client_id")
    return client


def bookable(client_id: int, now: datetime, *, require_own_hold: bool) -> Q:
    """The slots the client may book now: held by them, and, without `require_own_hold`,
    free ones too."""
    available = Q(status=SlotStatus.HELD, held_by_id=client_id, held_until__gt=now)
    if not require_own_hold:
        available |= free_now(now)
    return available


async def book(
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
) -> Appointment:
    """Book the slot for the client, consuming the client's hold.

    With `require_own_hold=False` a free slot is held and booked in one step (the API's
    direct booking, a manager's phone booking, automatch); a slot held by someone else is
    still refused. A client's own booking passes `max_active` (MAX_ACTIVE_BOOKINGS): one past
    it is refused with BookingLimitReached.
    """
    now = now or utcnow()
    check_meeting_link(meeting_link)
    async with in_transaction():
        client = await lock_client(client_id)
        await check_booking_limit(client_id, max_active, now)
        appointment = await book_locked(
            client,
            slot_id,
            bookable(client_id, now, require_own_hold=require_own_hold),
            initiator,
            service_id=service_id,
            ticket_id=ticket_id,
            auto_assigned=auto_assigned,
            meeting_link=meeting_link,
            now=now,
        )
        if appointment is None:
            raise await refuse_unavailable(slot_id, client_id, now)
    await appointment_changed("appointment.created", appointment.id)
    return appointment


async def book_locked(
    client: Client,
    slot_id: int,
    available: Q,
    initiator: Initiator,
    *,
    service_id: int | None = None,
    ticket_id: int | None = None,
    auto_assigned: bool = False,
    meeting_link: str = "",
    series_id: int | None = None,
    now: datetime,
) -> Appointment | None:
    """Inside the caller's transaction (the client's row locked): take the slot if it is
    still `available` and write the appointment with its events, messages and audit row;
    None when the slot was not available. The caller announces the change after commit."""
    taken = await Slot.filter(Q(id=slot_id, starts_at__gt=now) & available).update(
        status=SlotStatus.BOOKED, held_by_id=None, held_until=None
    )
    if not taken:
        return None
    slot = await Slot.get(id=slot_id)
    psychologist = await Psychologist.get(id=slot.psychologist_id)
    service = None
    if service_id is not None:
        service = await Service.filter(id=service_id, is_active=True).first()
        if service is None:
            raise NotFound("service not found", field="service_id")
    plan = planning.plan_for(slot.starts_at, timedelta(minutes=slot.duration_min), now)
    appointment = await Appointment.create(
        slot_id=slot.id,
        active_slot_id=slot.id,
        client_id=client.id,
        psychologist_id=psychologist.id,
        service_id=service_id,
        ticket_id=ticket_id,
        series_id=series_id,
        status=AppointmentStatus.CONFIRMED if plan.confirmed_on_booking else AppointmentStatus.NEW,
        confirmed=plan.confirmed_on_booking,
        confirmed_at=now if plan.confirmed_on_booking else None,
        starts_at=slot.starts_at,
        duration_min=slot.duration_min,
        auto_assigned=auto_assigned,
        created_by=initiator.actor,
        price=service.price if service else psychologist.min_price,
        meeting_link=meeting_link,
    )
    if ticket_id is not None:
        await Ticket.filter(id=ticket_id).update(
            status=TicketStatus.ASSIGNED, psychologist_id=psychologist.id
        )
    await planning.write_events(appointment, plan.events)
    # The managers hear of it from the event runner: off this request, and never lost.
    await ScheduledEvent.create(
        appointment_id=appointment.id, kind=EventKind.MANAGER_ALERT, due_at=now
    )
    await audit.record(
        initiator, "appointment.created", "appointment", appointment.id, slot_id=slot.id
    )
    await notify_sides(appointment, client, psychologist, "booked", initiator=initiator, now=now)
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
