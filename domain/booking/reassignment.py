"""Reassignment (перезапись): a client of an earlier lead goes to another time or another
psychologist. The new lead points at the previous one; an active session moves (keeping its
video link), otherwise a new one is booked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal

from tortoise.transactions import in_transaction

from db.enums import TicketStatus
from db.models import Appointment, Psychologist, Slot, Ticket
from domain.audit import Initiator
from domain.booking import appointments, matching
from domain.booking.matching import Match
from domain.errors import AlreadyTaken, Conflict, NotFound
from domain.people import psychologists
from domain.schedule import schedules
from domain.tickets import leads
from domain.tickets.leads import TicketView
from domain.timerules import MSK, utcnow

IDS_SHOWN = 10

# What the client is offered instead: another time with the same psychologist, or another
# psychologist.
Alternative = Literal["time", "psychologist"]


@dataclass(frozen=True, slots=True)
class ReassignmentView:
    ticket: TicketView
    mode: Alternative
    psychologists: list[str]
    texts: list[str]


async def psychologist_ids_by_name(names: Sequence[str]) -> list[int]:
    """The ids of the named active psychologists, in the order named; an unknown name is
    NotFound (field "names")."""
    return [p.id for p in await psychologists.by_names(names)]


async def _psychologists(ids: Sequence[int]) -> list[Psychologist]:
    """Every active psychologist of `ids`, in that order; an unknown one is NotFound."""
    wanted = list(dict.fromkeys(ids))
    storable = [i for i in wanted if 0 < i < 2**31]
    found = {p.id: p for p in await Psychologist.filter(id__in=storable, is_active=True)}
    missing = [i for i in wanted if i not in found]
    if missing:
        shown = ", ".join(str(i) for i in missing[:IDS_SHOWN])
        raise NotFound(f"unknown psychologists: {shown}", field="psychologist_ids")
    return [found[i] for i in wanted]


async def reassign(
    lead_number: str,
    psychologist_ids: Sequence[int],
    starts: Sequence[datetime],
    queries: list[str],
    initiator: Initiator,
    *,
    now: datetime | None = None,
) -> tuple[Match, str]:
    """Move the lead's client to the most available of the psychologists at the earliest of
    the times. Returns the booking under the new lead and the previous lead's number."""
    now = now or utcnow()
    previous = await leads.by_number(lead_number)
    people = await _psychologists(psychologist_ids)
    current = await leads.active_appointment(previous.id)
    client_id = previous.client_id or (current.client_id if current else None)
    if client_id is None:
        raise Conflict("the lead has no client to reassign", field="lead_number")
    ticket_info: dict[str, object] = {"queries": queries or list(previous.queries)}
    ticket, _ = await matching.draft_ticket(
        None, client_id, ticket_info, people, starts, now=now, previous_id=previous.id
    )
    candidates = [
        slot
        for slot in await matching.ranked_slots(people, starts, now=now)
        if current is None or slot.id != current.active_slot_id
    ]

    async def take(slot: Slot) -> Appointment:
        if current is not None:
            return await appointments.reschedule(current.id, slot.id, initiator, now=now)
        return await appointments.book(
            client_id,
            slot.id,
            initiator,
            ticket_id=ticket.id,
            require_own_hold=False,
            auto_assigned=True,
            now=now,
        )

    try:
        appointment = await matching.first_bookable(candidates, take)
    except AlreadyTaken:
        await ticket.delete()
        raise
    async with in_transaction():
        await Appointment.filter(id=appointment.id).update(ticket_id=ticket.id)
        await Ticket.filter(id=ticket.id).update(
            status=TicketStatus.ASSIGNED, psychologist_id=appointment.psychologist_id
        )
        await Ticket.filter(id=previous.id).update(status=TicketStatus.CLOSED)
    chosen = next(p for p in people if p.id == appointment.psychologist_id)
    return Match(ticket.number, chosen.name, appointment.starts_at, appointment), previous.number


async def reassignment_view(
    lead_number: str, mode: Alternative, tz: tzinfo = MSK, *, now: datetime | None = None
) -> ReassignmentView:
    """The lead and the schedule to choose from: in mode `time` the current psychologist's
    weeks; in mode `psychologist` the other psychologists (those who work with the lead's
    queries, when any do) together."""
    ticket = await leads.by_number(lead_number)
    view = await leads.describe(ticket)
    if mode == "time":
        if ticket.psychologist_id is None:
            raise Conflict("the lead has no psychologist yet", field="lead_number")
        chosen = [(ticket.psychologist_id, view.psychologist or "")]
    else:
        others = (
            await Psychologist.filter(is_active=True)
            .exclude(id=ticket.psychologist_id or 0)
            .order_by("name")
            .values_list("id", "name", "queries")
        )
        wanted = set(ticket.queries)
        fitting = [(pid, name) for pid, name, offered in others if wanted & set(offered)]
        chosen = fitting or [(pid, name) for pid, name, _ in others]
    texts = await schedules.free_texts_of([pid for pid, _ in chosen], tz, now=now)
    return ReassignmentView(view, mode, [name for _, name in chosen], texts)
