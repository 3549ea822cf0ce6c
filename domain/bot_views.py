"""What the bot needs to read and a few small writes of its own: who a Telegram user is, the
psychologists that fit a request, a week of free slots, a person's sessions, the request a
booking is made for, and the managers' alert of a new booking.

Bookings, cancels and moves themselves go through domain/booking/appointments.py;
help-hand tickets through domain/tickets/help_hand.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from db.enums import Actor, SlotStatus, TicketKind, TicketStatus
from db.models import Appointment, Client, Manager, Psychologist, Slot, Ticket
from domain.booking.statuses import ACTIVE
from domain.errors import Forbidden, NotFound
from domain.i18n import pick_language
from domain.people.access import role_for
from domain.schedule.slots import free_now
from domain.tickets import leads, matching
from domain.timerules import MSK, format_slot, range_bounds, utcnow

MAX_CARDS = 5
MAX_QUERIES = 12
# How far ahead a client may page through a psychologist's weeks.
MAX_WEEKS_AHEAD = 8


@dataclass(frozen=True, slots=True)
class Person:
    """A Telegram user as the service knows them; any of the rows may be missing."""

    telegram_id: int
    role: Actor
    client: Client | None = None
    psychologist: Psychologist | None = None
    manager: Manager | None = None

    @property
    def language(self) -> str | None:
        """The language the person chose and we stored, if any."""
        row = self.psychologist or self.client
        return row.language if row is not None else None

    @property
    def is_staff(self) -> bool:
        return self.role in {Actor.MANAGER, Actor.ADMIN}


async def person_of(telegram_id: int, admin_ids: Iterable[int]) -> Person:
    """The client, psychologist and manager rows of a Telegram user, and their role."""
    client = await Client.filter(telegram_id=telegram_id).first()
    psychologist = await Psychologist.filter(telegram_id=telegram_id, is_active=True).first()
    manager = await Manager.filter(telegram_id=telegram_id, is_active=True).first()
    role = role_for(telegram_id, admin_ids, manager, psychologist is not None)
    return Person(telegram_id, role, client, psychologist, manager)


async def set_language(telegram_id: int, language: str) -> str:
    """Store the language a person chose on their client and psychologist rows."""
    chosen = pick_language(language)
    async with in_transaction():
        await Client.filter(telegram_id=telegram_id).update(language=chosen)
        await Psychologist.filter(telegram_id=telegram_id).update(language=chosen)
    return chosen


async def known_queries() -> list[str]:
    """The requests psychologists work with, to choose from, alphabetically."""
    rows = await Psychologist.filter(is_active=True).values_list("queries", flat=True)
    found = {str(query) for offered in rows for query in (offered or [])}
    return sorted(found)[:MAX_QUERIES]


async def matching_psychologists(
    queries: Sequence[str],
    max_price: int | None,
    *,
    exclude_id: int | None = None,
    now: datetime | None = None,
) -> list[Psychologist]:
    """Active psychologists with a free future slot and a price within `max_price`: those who
    work with the requests first (all, when none does), the most available first."""
    now = now or utcnow()
    with_free = Slot.filter(free_now(now), starts_at__gt=now).values("psychologist_id")
    query = Psychologist.filter(is_active=True, id__in=Subquery(with_free))
    if exclude_id is not None:
        query = query.exclude(id=exclude_id)
    if max_price is not None:
        query = query.filter(Q(min_price__isnull=True) | Q(min_price__lte=max_price))
    people = await query.order_by("name")
    wanted = set(queries)
    fitting = [p for p in people if wanted & set(p.queries or [])]
    chosen = fitting or people
    ranks = await matching.coefficients(chosen, now=now)
    chosen.sort(key=lambda p: -ranks[p.id].value)
    return chosen[:MAX_CARDS]


async def psychologist(psychologist_id: int) -> Psychologist:
    found = await Psychologist.filter(id=psychologist_id, is_active=True).first()
    if found is None:
        raise NotFound("psychologist not found", field="psychologist_id")
    return found


async def free_week(
    psychologist_id: int,
    monday: date,
    tz: tzinfo,
    *,
    client_id: int | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """The psychologist's slots in the week from `monday` (in `tz`) that the client can take:
    free, or held by this very client; future only; by time."""
    now = now or utcnow()
    start, end = range_bounds(monday, monday + timedelta(days=6), tz)
    takeable = free_now(now)
    if client_id is not None:
        takeable |= Q(status=SlotStatus.HELD, held_by_id=client_id)
    return await Slot.filter(
        takeable,
        psychologist_id=psychologist_id,
        starts_at__gte=start,
        starts_at__lt=end,
        starts_at__gt=now,
    ).order_by("starts_at")


async def slot_with_psychologist(slot_id: int) -> Slot:
    slot = await Slot.filter(id=slot_id).prefetch_related("psychologist").first()
    if slot is None:
        raise NotFound("slot not found", field="slot_id")
    return slot


async def upcoming_of_client(client_id: int, *, now: datetime | None = None) -> list[Appointment]:
    """The client's active sessions that have not ended, soonest first."""
    now = now or utcnow()
    rows = (
        await Appointment.filter(
            client_id=client_id, status__in=list(ACTIVE), starts_at__gt=now - timedelta(hours=4)
        )
        .prefetch_related("psychologist")
        .order_by("starts_at")
    )
    return [a for a in rows if a.starts_at + timedelta(minutes=a.duration_min) > now]


async def own_appointment(client_id: int, appointment_id: int) -> Appointment:
    """The client's appointment with its psychologist and ticket; someone else's is refused."""
    appointment = (
        await Appointment.filter(id=appointment_id)
        .prefetch_related("psychologist", "ticket")
        .first()
    )
    if appointment is None:
        raise NotFound("appointment not found", field="appointment_id")
    if appointment.client_id != client_id:
        raise Forbidden("this is another client's appointment", field="appointment_id")
    return appointment


async def sessions_of_psychologist(
    psychologist_id: int, days: int, *, now: datetime | None = None
) -> list[Appointment]:
    """The psychologist's active sessions from now to `days` days ahead, with their clients."""
    now = now or utcnow()
    return (
        await Appointment.filter(
            psychologist_id=psychologist_id,
            status__in=list(ACTIVE),
            starts_at__gt=now - timedelta(hours=1),
            starts_at__lt=now + timedelta(days=days),
        )
        .prefetch_related("client")
        .order_by("starts_at")
    )


async def open_request(
    client_id: int,
    queries: Sequence[str],
    preferences: dict[str, object],
    psychologist_name: str,
    starts_at: datetime,
    *,
    now: datetime | None = None,
) -> Ticket:
    """A new regular request (lead) for the booking the client is about to make."""
    now = now or utcnow()
    return await Ticket.create(
        number=leads.new_ticket_number(now),
        client_id=client_id,
        queries=list(queries),
        preferences=dict(preferences),
        psychologists=[psychologist_name],
        slots=[format_slot(starts_at, MSK)],
    )


async def drop_request(ticket_id: int) -> None:
    """Take back a request whose booking did not happen."""
    await Ticket.filter(id=ticket_id, status=TicketStatus.OPEN).delete()


async def claim_help_hand_link(client_id: int, link_id: str) -> Ticket | None:
    """The help-hand request of a link; one with no client yet becomes this client's."""
    ticket = await Ticket.filter(link_id=link_id, kind=TicketKind.HELP_HAND).first()
    if ticket is None:
        return None
    if ticket.client_id is None:
        await Ticket.filter(id=ticket.id, client_id=None).update(client_id=client_id)
        ticket.client_id = client_id
    return ticket if ticket.client_id == client_id else None


async def help_hand_ticket(ticket_id: int) -> Ticket:
    ticket = await Ticket.filter(id=ticket_id, kind=TicketKind.HELP_HAND).first()
    if ticket is None:
        raise NotFound("help-hand request not found", field="ticket_id")
    return ticket
