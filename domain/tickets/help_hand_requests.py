"""Help-hand requests as a client and a psychologist see them in the bot: a client opens one
or finds theirs by its link; a psychologist lists the open ones and takes one by its id."""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import TicketKind, TicketStatus
from db.models import Ticket
from domain.audit import Initiator
from domain.errors import NotFound
from domain.tickets import help_hand
from domain.tickets.leads import TicketView


@dataclass(frozen=True, slots=True)
class HelpHandRequest:
    id: int
    number: str
    price_tier: str | None
    status: TicketStatus
    queries: tuple[str, ...]


def _request(ticket: Ticket) -> HelpHandRequest:
    return HelpHandRequest(
        ticket.id, ticket.number, ticket.price_tier, ticket.status, tuple(ticket.queries)
    )


async def open_request(
    client_id: int, tier: str, queries: list[str], initiator: Initiator
) -> HelpHandRequest:
    """A new open help-hand request of the client at a price tier."""
    return _request(await help_hand.open_ticket(client_id, tier, queries, initiator))


async def claim_link(client_id: int, link_id: str) -> HelpHandRequest | None:
    """The help-hand request of a link; one with no client yet becomes this client's.
    None for a link that is unknown or someone else's."""
    ticket = await Ticket.filter(link_id=link_id, kind=TicketKind.HELP_HAND).first()
    if ticket is None:
        return None
    if ticket.client_id is None:
        await Ticket.filter(id=ticket.id, client_id=None).update(client_id=client_id)
        ticket.client_id = client_id
    return _request(ticket) if ticket.client_id == client_id else None


async def open_requests(telegram_id: int, tier: str) -> list[HelpHandRequest]:
    """Open requests at a tier (or every tier), oldest first, for a psychologist in help-hand
    mode."""
    return [_request(ticket) for ticket in await help_hand.open_tickets(telegram_id, tier)]


async def take(telegram_id: int, request_id: int, initiator: Initiator) -> TicketView:
    """The psychologist takes the request (domain.tickets.help_hand.confirm)."""
    ticket = await Ticket.filter(id=request_id, kind=TicketKind.HELP_HAND).first()
    if ticket is None:
        raise NotFound("help-hand request not found", field="request_id")
    return await help_hand.confirm(telegram_id, ticket.link_id or "", initiator)
