"""Weekly series: one client's sessions with one psychologist at the same local weekday and
time, booked at once, and cancelled at once from a day on.

Each session of a series is a normal appointment (its own slot, confirmation chain, reminder
and review request) that points at its Series row; each can be moved or cancelled alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.transactions import in_transaction

from db.models import Appointment, Psychologist, Series, Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.changes import appointment_changed
from domain.errors import InvalidInput, NotFound
from domain.schedule.slots import free_now
from domain.statuses import ACTIVE
from domain.timerules import client_zone, local_day_bounds, utcnow

MIN_WEEKS = 2
MAX_WEEKS = 12
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class BookedSeries:
    """The series made: its appointments by time, and the psychologist's local days of the
    weeks that had no free time at the chosen weekday and time."""

    series_id: int
    appointment_ids: tuple[int, ...]
    skipped: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class CancelledSeries:
    series_id: int
    cancelled: tuple[int, ...]  # the appointments cancelled now, by time


def check_weeks(weeks: int) -> None:
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise InvalidInput(
            f"a series is {MIN_WEEKS} to {MAX_WEEKS} weeks long", field="weeks", weeks=weeks
        )


def weekly_starts(first: datetime, zone_name: str, weeks: int) -> list[datetime]:
    """The instants of `weeks` weekly sessions from `first` at the same wall-clock time in
    the zone: across a change of the clocks the local time stays, the UTC instant moves."""
    zone = client_zone(zone_name)
    local = first.astimezone(zone).replace(tzinfo=None)
    return [(local + week * WEEK).replace(tzinfo=zone).astimezone(UTC) for week in range(weeks)]


async def book_series(
    client_id: int,
    slot_id: int,
    weeks: int,
    initiator: Initiator,
    *,
    service_id: int | None = None,
    ticket_id: int | None = None,
    require_own_hold: bool = True,
    max_active: int = 0,
    now: datetime | None = None,
) -> BookedSeries:
    """Book the slot (by the single booking's hold rules) and the same psychologist's free
    slots at the same local weekday and time for the next `weeks - 1` weeks, in one
    transaction. A week with no such free slot (or whose slot is taken by someone else in the
    meantime) is skipped and answered; the chosen slot itself must be bookable, or nothing is
    booked. The series counts as one booking against `max_active`."""
    check_weeks(weeks)
    now = now or utcnow()
    slot = await Slot.filter(id=slot_id).first()
    if slot is None:
        raise NotFound("slot not found", field="slot_id")
    psychologist = await Psychologist.get(id=slot.psychologist_id)
    zone = client_zone(psychologist.timezone)
    starts = weekly_starts(slot.starts_at, psychologist.timezone, weeks)
    booked: list[Appointment] = []
    skipped: list[date] = []
    async with in_transaction():
        parties = await appointments.lock_parties(client_id, slot_id, service_id)
        await appointments.check_booking_limit(client_id, max_active, now)
        series = await Series.create(
            client_id=client_id, psychologist_id=psychologist.id, weeks=weeks
        )
        common = {"service_id": service_id, "series_id": series.id}
        # The request (lead) is the first session's alone: a lead moves its one active
        # session when the client is reassigned (domain.booking.reassignment).
        first = await appointments.book_locked(
            parties,
            slot_id,
            appointments.bookable(client_id, require_own_hold=require_own_hold),
            initiator,
            ticket_id=ticket_id,
            now=now,
            **common,
        )
        if first is None:
            raise await appointments.refuse_unavailable(slot_id, client_id, now)
        booked.append(first)
        for starts_at in starts[1:]:
            found = await Slot.filter(
                free_now(now), psychologist_id=psychologist.id, starts_at=starts_at
            ).first()
            # A slot taken between the read and the update is skipped like a missing one.
            taken = None
            if found is not None:
                taken = await appointments.book_locked(
                    parties, found.id, appointments.FREE_ONLY, initiator, now=now, **common
                )
            if taken is not None:
                booked.append(taken)
            else:
                skipped.append(starts_at.astimezone(zone).date())
    for appointment in booked:
        await appointment_changed("appointment.created", appointment.id)
    return BookedSeries(series.id, tuple(a.id for a in booked), tuple(skipped))


async def cancel_series(
    series_id: int,
    from_date: date | None,
    initiator: Initiator,
    *,
    client_id: int | None = None,
    reason: str = "",
    late_cancel_hours: int | None = None,
    now: datetime | None = None,
) -> CancelledSeries:
    """Cancel the series' active sessions that have not begun, from the psychologist's local
    day `from_date` on (None: every one still to come), each by the normal cancel (the slot
    freed, both sides told, its events called off); earlier ones stay.

    A client passes `client_id` (and `late_cancel_hours`, as for a single cancel): another
    client's series is answered as a missing one."""
    now = now or utcnow()
    series = await Series.filter(id=series_id).first()
    if series is None or (client_id is not None and series.client_id != client_id):
        raise NotFound("series not found", field="series_id")
    rest = Appointment.filter(series_id=series_id, status__in=list(ACTIVE), starts_at__gt=now)
    if from_date is not None:
        psychologist = await Psychologist.get(id=series.psychologist_id)
        start, _ = local_day_bounds(from_date, client_zone(psychologist.timezone))
        rest = rest.filter(starts_at__gte=start)
    ids = await rest.order_by("starts_at").values_list("id", flat=True)
    for appointment_id in ids:
        await appointments.cancel(
            appointment_id,
            initiator,
            reason=reason,
            late_cancel_hours=late_cancel_hours,
            now=now,
        )
    return CancelledSeries(series_id, tuple(ids))
