"""Help hand (рука помощи): low-price requests that psychologists in help-hand mode pick up.

A ticket carries its price tier and a link id `hh_` + 7 characters; the first psychologist to
confirm it gets it (one conditional UPDATE decides), the others are told it is taken.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime

from tortoise.transactions import in_transaction

from db.enums import TicketKind, TicketStatus
from db.models import Client, Psychologist, Ticket
from domain import audit
from domain.audit import Initiator
from domain.errors import AlreadyTaken, Forbidden, InvalidInput, NotFound
from domain.i18n import N_, translate
from domain.messaging.outbox import enqueue
from domain.tickets import leads
from domain.tickets.leads import TicketView
from domain.timerules import utcnow

TIERS = ("Бесплатно", "300 руб", "500 руб", "1000 руб", "1500 руб")
ALL_TIERS = "Все"
LINK_PREFIX = "hh_"
LINK_ALPHABET = string.ascii_lowercase + string.digits
LINK_LENGTH = 7

TAKEN_CLIENT = N_(
    "{psychologist} has taken your help-hand request {lead_number} and will contact you soon."
)


def new_link_id() -> str:
    return LINK_PREFIX + "".join(secrets.choice(LINK_ALPHABET) for _ in range(LINK_LENGTH))


def check_link_id(link_id: str) -> str:
    """The id as given (an adapter strips what its callers may pad it with: stripping here
    again, by another rule of what whitespace is, would refuse an id the adapter took)."""
    if not link_id.startswith(LINK_PREFIX) or len(link_id) != len(LINK_PREFIX) + LINK_LENGTH:
        raise InvalidInput(f"expected {LINK_PREFIX} and {LINK_LENGTH} characters", field="link_id")
    return link_id


def check_tier(tier: str, *, allow_all: bool) -> str:
    choices = (*TIERS, ALL_TIERS) if allow_all else TIERS
    if tier.strip() not in choices:
        raise InvalidInput(f"price must be one of: {', '.join(choices)}", field="tier")
    return tier.strip()


async def _helper(telegram_id: int) -> Psychologist:
    psychologist = await Psychologist.filter(telegram_id=telegram_id, is_active=True).first()
    if psychologist is None:
        raise NotFound("no psychologist with this telegram id", field="telegram_id")
    if not psychologist.help_hand_mode:
        raise Forbidden("help-hand mode is off for this psychologist", field="telegram_id")
    return psychologist


async def open_ticket(
    client_id: int,
    tier: str,
    queries: list[str],
    initiator: Initiator,
    *,
    now: datetime | None = None,
) -> Ticket:
    """A new open help-hand request at a price tier."""
    now = now or utcnow()
    async with in_transaction():
        ticket = await Ticket.create(
            number=leads.new_ticket_number(now),
            client_id=client_id,
            kind=TicketKind.HELP_HAND,
            price_tier=check_tier(tier, allow_all=False),
            link_id=new_link_id(),
            queries=queries,
        )
        await audit.record(initiator, "ticket.help_hand_opened", "ticket", ticket.id)
    return ticket


async def open_tickets(telegram_id: int, tier: str) -> list[Ticket]:
    """Open help-hand requests at a tier (or every tier), oldest first, for a helper."""
    await _helper(telegram_id)
    chosen = check_tier(tier, allow_all=True)
    query = Ticket.filter(kind=TicketKind.HELP_HAND, status=TicketStatus.OPEN)
    if chosen != ALL_TIERS:
        query = query.filter(price_tier=chosen)
    return await query.order_by("created_at", "id")


async def confirm(
    telegram_id: int, link_id: str, initiator: Initiator, *, now: datetime | None = None
) -> TicketView:
    """The psychologist takes the request; the first confirmation wins, later ones get 409."""
    now = now or utcnow()
    link_id = check_link_id(link_id)
    psychologist = await _helper(telegram_id)
    async with in_transaction():
        taken = await Ticket.filter(
            link_id=link_id, kind=TicketKind.HELP_HAND, status=TicketStatus.OPEN
        ).update(status=TicketStatus.ASSIGNED, psychologist_id=psychologist.id)
        ticket = await Ticket.filter(link_id=link_id, kind=TicketKind.HELP_HAND).first()
        if ticket is None:
            raise NotFound(f"no help-hand request {link_id}", field="link_id")
        if not taken:
            raise AlreadyTaken(f"request {link_id} is already taken", field="link_id")
        await audit.record(initiator, "ticket.help_hand_taken", "ticket", ticket.id)
        client = await Client.filter(id=ticket.client_id).first() if ticket.client_id else None
        if client is not None and not client.blocked_bot:
            await enqueue(
                chat_id=client.telegram_id,
                text=translate(
                    client.language,
                    TAKEN_CLIENT,
                    psychologist=psychologist.name,
                    lead_number=ticket.number,
                ),
                kind="help_hand.taken",
                dedup_key=f"hh:{ticket.id}:taken",
                now=now,
                client_id=client.id,
            )
    return await leads.describe(ticket)
