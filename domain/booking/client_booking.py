"""A client's own steps in the bot: hold a time, book it for a new request, move a session to
another time or another psychologist, confirm it, cancel it. Each checks that the session is
the client's and calls the booking core (domain.booking.appointments)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from db.enums import TicketStatus
from db.models import Appointment, Slot, Ticket
from domain.audit import Initiator
from domain.booking import appointments, reassignment, series, sessions
from domain.booking.choices import ChosenTime, chosen_time
from domain.booking.series import BookedSeries
from domain.booking.sessions import Session
from domain.errors import DomainError, Forbidden, HoldRequired, NotFound
from domain.tickets import leads
from domain.timerules import MSK, format_slot, utcnow

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class HeldTime:
    """A time held for the client, and until when."""

    time: ChosenTime
    held_until: datetime


async def hold(client_id: int, slot_id: int) -> HeldTime:
    """Hold the time for the client for five minutes (their previous hold is given back)."""
    held = await appointments.hold_slot(client_id, slot_id)
    return HeldTime(await chosen_time(held.slot_id), held.held_until)


async def hold_to_book(
    client_id: int, slot_id: int, max_active: int, *, now: datetime | None = None
) -> HeldTime:
    """Hold a time for a new booking; a client with `max_active` upcoming sessions already is
    told so before a time is held for nothing."""
    now = now or utcnow()
    await appointments.check_booking_limit(client_id, max_active, now)
    held = await appointments.hold_slot(client_id, slot_id, now=now)
    return HeldTime(await chosen_time(held.slot_id), held.held_until)


async def current_hold(client_id: int, slot_id: int, *, now: datetime | None = None) -> HeldTime:
    """The client's hold of the time; HoldRequired when it has run out or is not theirs."""
    now = now or utcnow()
    time = await chosen_time(slot_id)
    held_until = (
        await Slot.filter(id=slot_id, held_by_id=client_id, held_until__gt=now)
        .first()
        .values_list("held_until", flat=True)
    )
    if held_until is None:
        raise HoldRequired("the hold has run out", field="slot_id")
    return HeldTime(time, held_until)


async def _under_new_request(
    client_id: int,
    slot_id: int,
    queries: Sequence[str],
    preferences: dict[str, object],
    *,
    now: datetime,
    book: Callable[[int], Awaitable[T]],
) -> T:
    """`book(request_id)` under a new request (lead) of the client's for `queries`, opened for
    the chosen time; a booking refused leaves no request."""
    time = await chosen_time(slot_id)
    request = await Ticket.create(
        number=leads.new_ticket_number(now),
        client_id=client_id,
        queries=list(queries),
        preferences=dict(preferences),
        psychologists=[time.psychologist.name],
        slots=[format_slot(time.starts_at, MSK)],
    )
    try:
        return await book(request.id)
    except DomainError:
        await Ticket.filter(id=request.id, status=TicketStatus.OPEN).delete()
        raise


async def book_with_request(
    client_id: int,
    slot_id: int,
    queries: Sequence[str],
    preferences: dict[str, object],
    initiator: Initiator,
    *,
    max_active: int,
    now: datetime | None = None,
) -> Session:
    """Book the time the client holds under a new request (lead) of theirs for `queries`; at
    most `max_active` upcoming sessions (0: no limit). A booking refused leaves no request."""
    now = now or utcnow()

    async def book(request_id: int) -> Appointment:
        return await appointments.book(
            client_id, slot_id, initiator, ticket_id=request_id, max_active=max_active, now=now
        )

    booked = await _under_new_request(client_id, slot_id, queries, preferences, now=now, book=book)
    return await sessions.own_session(client_id, booked.id)


@dataclass(frozen=True, slots=True)
class BookedWeeks:
    """A weekly series booked in the bot: its sessions by time, and the psychologist's local
    days of the weeks skipped."""

    series_id: int
    sessions: tuple[Session, ...]
    skipped: tuple[date, ...]


async def book_series_with_request(
    client_id: int,
    slot_id: int,
    queries: Sequence[str],
    preferences: dict[str, object],
    initiator: Initiator,
    *,
    weeks: int,
    max_active: int,
    now: datetime | None = None,
) -> BookedWeeks:
    """Book the held time and the same weekday and time for the next `weeks - 1` weeks
    (domain.booking.series) under one new request of the client's for `queries`; the series
    counts as one booking against `max_active`."""
    now = now or utcnow()

    async def book(request_id: int) -> BookedSeries:
        return await series.book_series(
            client_id,
            slot_id,
            weeks,
            initiator,
            ticket_id=request_id,
            max_active=max_active,
            now=now,
        )

    made = await _under_new_request(client_id, slot_id, queries, preferences, now=now, book=book)
    booked = [await sessions.own_session(client_id, i) for i in made.appointment_ids]
    return BookedWeeks(made.series_id, tuple(booked), made.skipped)


async def move_own(
    client_id: int, appointment_id: int, slot_id: int, initiator: Initiator
) -> Session:
    """Move the client's session to another time of the same psychologist (held or free)."""
    await sessions.require_own(client_id, appointment_id)
    await appointments.reschedule(appointment_id, slot_id, initiator)
    return await sessions.own_session(client_id, appointment_id)


async def switch_own(
    client_id: int, appointment_id: int, slot_id: int, initiator: Initiator
) -> Session:
    """Move the client's session to another psychologist's time, keeping its requests: under
    a new lead that points at the session's one (a session with no lead simply moves)."""
    session = await sessions.own_session(client_id, appointment_id)
    if session.lead_number is None:
        return await move_own(client_id, appointment_id, slot_id, initiator)
    time = await chosen_time(slot_id)
    # reassign() takes only free slots: give back the hold right before it books.
    await appointments.release_hold(client_id)
    match, _previous = await reassignment.reassign(
        session.lead_number,
        [time.psychologist.id],
        [time.starts_at],
        list(session.queries),
        initiator,
    )
    return await sessions.own_session(client_id, match.appointment.id)


async def confirm_own(client_id: int, appointment_id: int, initiator: Initiator) -> Session:
    """The client confirms they will come to their session."""
    await sessions.require_own(client_id, appointment_id)
    await appointments.confirm(appointment_id, initiator)
    return await sessions.own_session(client_id, appointment_id)


def cancel_is_late(
    session: Session, late_cancel_hours: int, *, now: datetime | None = None
) -> bool:
    """Whether the client cancelling the session now would be a late cancel
    (`late_cancel_hours` or less before the start); SessionBegun when it has begun."""
    return appointments.late_cancel(session.starts_at, late_cancel_hours, now or utcnow())


async def cancel_own(
    client_id: int,
    appointment_id: int,
    initiator: Initiator,
    *,
    reason: str,
    late_cancel_hours: int,
    now: datetime | None = None,
) -> Session:
    """The client cancels their session: `late_cancel_hours` (LATE_CANCEL_HOURS) or less
    before the start it counts as a late cancel, once it has begun it is refused
    (SessionBegun). Answers the session as it was.

    Another client's session is answered as a missing one (NotFound): whether it exists is
    not this client's to learn."""
    try:
        session = await sessions.own_session(client_id, appointment_id)
    except Forbidden:
        raise NotFound("appointment not found", field="appointment_id") from None
    await appointments.cancel(
        appointment_id, initiator, reason=reason, late_cancel_hours=late_cancel_hours, now=now
    )
    return session
