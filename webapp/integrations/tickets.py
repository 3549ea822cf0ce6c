"""The JSON shape of a ticket (lead) in the integration API's answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from domain.tickets.leads import TicketView
from webapp.integrations.common import slot_text


class TicketClient(BaseModel):
    name: str
    telegram_id: str | None
    username: str | None


class TicketAppointment(BaseModel):
    id: int
    slot: str
    starts_at: str
    status: str
    confirmed: bool
    meeting_link: str


class TicketOut(BaseModel):
    """A lead: the request, its client, its psychologist and its latest booking."""

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
    client: TicketClient | None
    appointment: TicketAppointment | None


def ticket_out(view: TicketView) -> TicketOut:
    client, appointment = view.client, view.appointment
    return TicketOut(
        lead_number=view.lead_number,
        kind=view.kind,
        status=view.status,
        queries=view.queries,
        preferences=view.preferences,
        psychologists=view.psychologists,
        slots=view.slots,
        price=view.price,
        link_id=view.link_id,
        previous_lead_number=view.previous_lead_number,
        psychologist=view.psychologist,
        client=TicketClient(
            name=client.name,
            telegram_id=str(client.telegram_id) if client.telegram_id else None,
            username=client.username,
        )
        if client
        else None,
        appointment=TicketAppointment(
            id=appointment.id,
            slot=slot_text(appointment.starts_at),
            starts_at=appointment.starts_at.isoformat(),
            status=appointment.status,
            confirmed=appointment.confirmed,
            meeting_link=appointment.meeting_link,
        )
        if appointment
        else None,
    )
