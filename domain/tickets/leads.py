"""Tickets (заявки, leads), client registration by telegram id, and form-funnel tracking."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from db.enums import ClientSource
from db.models import Appointment, Client, FormTracking, Psychologist, Slot, Ticket
from domain import audit
from domain.audit import Initiator
from domain.changes import data_changed
from domain.errors import NotFound
from domain.statuses import ACTIVE
from domain.timerules import MSK, format_slot, utcnow


@dataclass(frozen=True, slots=True)
class ClientSpec:
    """Who a request is for, as an integration describes the client."""

    telegram_id: int
    name: str = ""
    username: str | None = None


def new_ticket_number(now: datetime) -> str:
    """A lead number that says its day and cannot be guessed: "YYMMDD-xxxxxxxx"."""
    return f"{now.astimezone(MSK):%y%m%d}-{secrets.token_hex(4)}"


async def by_number(number: str, field: str = "lead_number") -> Ticket:
    ticket = await Ticket.filter(number=number.strip()).first()
    if ticket is None:
        raise NotFound(f"no ticket numbered {number.strip()!r}", field=field)
    return ticket


async def active_appointment(ticket_id: int) -> Appointment | None:
    """The ticket's appointment that still occupies a slot, if any."""
    return (
        await Appointment.filter(ticket_id=ticket_id, status__in=list(ACTIVE))
        .order_by("-created_at")
        .first()
    )


async def client_for(spec: ClientSpec) -> Client:
    """The client with this telegram id, created (source "api") if new; name filled if empty."""
    client = await Client.filter(telegram_id=spec.telegram_id).first()
    if client is None:
        try:
            async with in_transaction():
                client = await Client.create(
                    telegram_id=spec.telegram_id,
                    name=spec.name,
                    username=spec.username,
                    source=ClientSource.API,
                )
        except IntegrityError:
            # registered concurrently by another request: use that row
            client = await Client.get(telegram_id=spec.telegram_id)
        else:
            # whoever remembers who this Telegram user is (the bot) must hear of it
            await data_changed("client.updated")
    elif spec.name and not client.name:
        client.name = spec.name
        await client.save(update_fields=["name", "updated_at"])
        await data_changed("client.updated")
    return client


async def register_client(telegram_id: int, initiator: Initiator) -> tuple[Client, bool]:
    """Register a client by telegram id; a repeated call answers the same client."""
    existing = await Client.filter(telegram_id=telegram_id).first()
    if existing is not None:
        return existing, False
    client = await client_for(ClientSpec(telegram_id))
    await audit.record(initiator, "client.registered", "client", client.id)
    return client, True


def ticket_fields(spec: dict[str, Any]) -> dict[str, Any]:
    """What an integration's `ticket_info` keeps on a ticket: queries; the rest as preferences."""
    data = dict(spec)
    raw_queries = data.pop("queries", None) or data.pop("_queries", None) or []
    queries = split_list(raw_queries, ";") if isinstance(raw_queries, str) else raw_queries
    return {"queries": [str(q) for q in queries], "preferences": data}


def split_list(text: str, sep: str) -> list[str]:
    """Items of a separated list, stripped, blanks and repeats dropped, order kept."""
    return list(dict.fromkeys(item.strip() for item in text.split(sep) if item.strip()))


async def init_tracking(
    ticket_number: str, form_type: str, step: str, *, now: datetime | None = None
) -> tuple[FormTracking, bool]:
    """Start tracking a form; a repeated start keeps the history and records the step again."""
    now = now or utcnow()
    try:
        async with in_transaction():
            tracking = await FormTracking.create(
                ticket_number=ticket_number,
                form_type=form_type,
                steps=[{"step": step, "at": now.isoformat()}],
            )
    except IntegrityError:
        return await track_step(ticket_number, step, now=now), False
    return tracking, True


async def track_step(
    ticket_number: str, step: str, *, now: datetime | None = None
) -> FormTracking:
    """Record the step a form has reached, with its time."""
    now = now or utcnow()
    async with in_transaction():
        tracking = (
            await FormTracking.filter(ticket_number=ticket_number).select_for_update().first()
        )
        if tracking is None:
            raise NotFound(f"no form tracking for ticket {ticket_number!r}", field="ticket_number")
        tracking.steps = [*tracking.steps, {"step": step, "at": now.isoformat()}]
        await tracking.save(update_fields=["steps", "updated_at"])
    return tracking


@dataclass(frozen=True, slots=True)
class ClientView:
    name: str
    telegram_id: int | None
    username: str | None


@dataclass(frozen=True, slots=True)
class AppointmentView:
    id: int
    starts_at: datetime
    status: str
    confirmed: bool
    meeting_link: str


@dataclass(frozen=True, slots=True)
class TicketView:
    """What a ticket tells its reader: the request, its client and its current booking."""

    lead_number: str
    kind: str
    status: str
    queries: list[str]
    preferences: dict[str, Any]
    psychologists: list[str]
    slots: list[str]
    price: str | None
    link_id: str | None
    previous_lead_number: str | None
    psychologist: str | None
    client: ClientView | None
    appointment: AppointmentView | None


async def describe(ticket: Ticket) -> TicketView:
    """The ticket with its client, psychologist, previous lead and latest appointment."""
    client = await Client.filter(id=ticket.client_id).first() if ticket.client_id else None
    psychologist = (
        await Psychologist.filter(id=ticket.psychologist_id).first()
        if ticket.psychologist_id
        else None
    )
    previous = await Ticket.filter(id=ticket.previous_id).first() if ticket.previous_id else None
    latest = await Appointment.filter(ticket_id=ticket.id).order_by("-created_at").first()
    return TicketView(
        lead_number=ticket.number,
        kind=ticket.kind.value,
        status=ticket.status.value,
        queries=list(ticket.queries),
        preferences=dict(ticket.preferences),
        psychologists=list(ticket.psychologists),
        slots=list(ticket.slots),
        price=ticket.price_tier,
        link_id=ticket.link_id,
        previous_lead_number=previous.number if previous else None,
        psychologist=psychologist.name if psychologist else None,
        client=ClientView(client.name, client.telegram_id, client.username) if client else None,
        appointment=AppointmentView(
            latest.id,
            latest.starts_at,
            latest.status.value,
            latest.confirmed,
            latest.meeting_link,
        )
        if latest
        else None,
    )


async def ticket_for_slot(psychologist_id: int, starts_at: datetime) -> TicketView:
    """The ticket of the appointment that occupies this psychologist's slot at `starts_at`."""
    slot = await Slot.filter(psychologist_id=psychologist_id, starts_at=starts_at).first()
    when = format_slot(starts_at, MSK)
    if slot is None:
        raise NotFound(f"you have no slot at {when}", field="starts_at")
    appointment = await Appointment.filter(active_slot_id=slot.id).first()
    if appointment is None:
        raise NotFound(f"nobody is booked at {when}", field="starts_at")
    if appointment.ticket_id is None:
        raise NotFound(f"the booking at {when} has no ticket", field="starts_at")
    return await describe(await Ticket.get(id=appointment.ticket_id))


async def appointment_in_slot(slot_id: int) -> Appointment:
    """The active appointment that occupies the slot; 404 naming what is missing."""
    appointment = await Appointment.filter(active_slot_id=slot_id, status__in=list(ACTIVE)).first()
    if appointment is None:
        exists = await Slot.exists(id=slot_id)
        raise NotFound(
            "nobody is booked in this slot" if exists else "slot not found", field="slot_id"
        )
    return appointment
