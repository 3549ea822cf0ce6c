"""Matching clients to psychologists: the assignment coefficient, the top of the most free
start times, and automatch (pick by coefficient, then time; book atomically)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count

from db.enums import AppointmentStatus
from db.models import Appointment, Psychologist, Slot, Ticket
from domain.audit import Initiator
from domain.booking import appointments
from domain.errors import AlreadyTaken, Conflict, NotFound
from domain.people import psychologists
from domain.schedule.schedule_text import top_free_starts_text
from domain.schedule.slots import free_now
from domain.tickets import leads
from domain.tickets.leads import ClientSpec
from domain.timerules import MSK, format_slot, range_bounds, utcnow

# Sessions that use up the monthly limit: booked (new, confirmed) or held (completed).
COUNTED_STATUSES = (
    AppointmentStatus.NEW,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.COMPLETED,
)


@dataclass(frozen=True, slots=True)
class Coefficient:
    psychologist: str
    monthly_limit: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.monthly_limit - self.used, 0)

    @property
    def value(self) -> float:
        """(limit - sessions this month) / limit; 0 for a psychologist with no limit."""
        if self.monthly_limit <= 0:
            return 0.0
        return round((self.monthly_limit - self.used) / self.monthly_limit, 4)


@dataclass(frozen=True, slots=True)
class Match:
    lead_number: str
    psychologist: str
    starts_at: datetime
    appointment: Appointment


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the current MSK calendar month, in UTC."""
    today = now.astimezone(MSK).date()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return range_bounds(first, last, MSK)


async def coefficients(
    people: Sequence[Psychologist], *, now: datetime | None = None
) -> dict[int, Coefficient]:
    """The assignment coefficient of each psychologist, in one query."""
    start, end = month_bounds(now or utcnow())
    used = dict(
        await Appointment.filter(
            psychologist_id__in=[p.id for p in people],
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=list(COUNTED_STATUSES),
        )
        .annotate(sessions=Count("id"))
        .group_by("psychologist_id")
        .values_list("psychologist_id", "sessions")
    )
    return {p.id: Coefficient(p.name, p.monthly_limit, used.get(p.id, 0)) for p in people}


async def coefficient_of(name: str, *, now: datetime | None = None) -> Coefficient:
    psychologist = await psychologists.by_name(name)
    return (await coefficients([psychologist], now=now))[psychologist.id]


async def top_free_text(names: Sequence[str], *, now: datetime | None = None) -> str:
    """The top-3 start times at which most of the named psychologists are free."""
    now = now or utcnow()
    people = await psychologists.by_names(names)
    if not people:
        raise NotFound("no psychologist named", field="names")
    rows = (
        await Slot.filter(
            free_now(now), psychologist_id__in=[p.id for p in people], starts_at__gt=now
        )
        .annotate(free=Count("id"))
        .group_by("starts_at")
        .values_list("starts_at", "free")
    )
    return top_free_starts_text(rows, MSK)


async def ranked_slots(
    people: Sequence[Psychologist],
    starts: Sequence[datetime],
    slot_ids: Sequence[int] = (),
    *,
    now: datetime,
) -> list[Slot]:
    """Free future slots of these psychologists at these times (or with these ids), the most
    available psychologist first, then the earliest time, then the order the names came in."""
    wanted = Q(starts_at__in=list(starts))
    if slot_ids:
        wanted |= Q(id__in=list(slot_ids))
    order = {p.id: position for position, p in enumerate(people)}
    slots = await Slot.filter(
        wanted, free_now(now), psychologist_id__in=list(order), starts_at__gt=now
    )
    ranks = await coefficients(people, now=now)
    return sorted(
        slots,
        key=lambda s: (-ranks[s.psychologist_id].value, s.starts_at, order[s.psychologist_id]),
    )


async def first_bookable(
    slots: Sequence[Slot], take: Callable[[Slot], Awaitable[Appointment]]
) -> Appointment:
    """Take the first slot that is still free when its turn comes; a slot lost to a race is
    skipped. None left: 409."""
    for slot in slots:
        try:
            return await take(slot)
        except Conflict:
            continue
    raise AlreadyTaken("no named psychologist is free at any named slot", field="slots")


async def draft_ticket(
    number: str | None,
    client_id: int,
    ticket_info: dict[str, object],
    people: Sequence[Psychologist],
    starts: Sequence[datetime],
    *,
    now: datetime,
    previous_id: int | None = None,
) -> tuple[Ticket, bool]:
    """The ticket a booking will be made for: the numbered one if it exists, else a new one.
    Returns (ticket, created) so a caller that books nothing can take a new one back."""
    if number:
        existing = await Ticket.filter(number=number).first()
        if existing is not None:
            return existing, False
    ticket = await Ticket.create(
        number=number or leads.new_ticket_number(now),
        client_id=client_id,
        psychologists=[p.name for p in people],
        slots=[format_slot(s, MSK) for s in starts],
        previous_id=previous_id,
        **leads.ticket_fields(ticket_info),
    )
    return ticket, True


async def automatch(
    names: Sequence[str],
    starts: Sequence[datetime],
    slot_ids: Sequence[int],
    client: ClientSpec,
    *,
    ticket_info: dict[str, object],
    initiator: Initiator,
    lead_number: str | None = None,
    now: datetime | None = None,
) -> Match:
    """Book the client with the most available named psychologist at the earliest named slot.

    A repeated call for a lead that already has an active booking answers that booking.
    """
    now = now or utcnow()
    people = await psychologists.by_names(names)
    if not people:
        raise NotFound("no psychologist named", field="names")
    person = await leads.client_for(client)
    if lead_number:
        known = await Ticket.filter(number=lead_number).first()
        booked = await leads.active_appointment(known.id) if known else None
        if known is not None and booked is not None:
            name = await Psychologist.get(id=booked.psychologist_id).values_list("name", flat=True)
            return Match(known.number, str(name), booked.starts_at, booked)
    ticket, created = await draft_ticket(
        lead_number, person.id, ticket_info, people, starts, now=now
    )
    candidates = await ranked_slots(people, starts, slot_ids, now=now)
    try:
        appointment = await first_bookable(
            candidates,
            lambda slot: appointments.book(
                person.id,
                slot.id,
                initiator,
                ticket_id=ticket.id,
                require_own_hold=False,
                auto_assigned=True,
                now=now,
            ),
        )
    except AlreadyTaken:
        if created:
            await ticket.delete()
        raise
    chosen = next(p for p in people if p.id == appointment.psychologist_id)
    return Match(ticket.number, chosen.name, appointment.starts_at, appointment)
