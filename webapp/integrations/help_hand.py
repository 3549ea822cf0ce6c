"""Help hand: open requests by price tier, and taking one (first one wins)."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from domain.tickets import help_hand
from webapp import patterns
from webapp.api.schemas import Text
from webapp.errors import wire_fields
from webapp.integrations.common import TelegramId, integration
from webapp.integrations.tickets import TicketOut, ticket_out
from webapp.openapi import documented
from webapp.validation import parse_query

routes = web.RouteTableDef()
TAGS = ("legacy: help hand",)


class TicketsQuery(BaseModel):
    telegram_id: TelegramId
    price: Text = Field(
        pattern=patterns.one_of((*help_hand.TIERS, help_hand.ALL_TIERS)),
        description=" | ".join((*help_hand.TIERS, help_hand.ALL_TIERS)),
    )


class ConfirmQuery(BaseModel):
    telegram_id: TelegramId
    link_id: Text = Field(
        pattern=patterns.stripped(
            f"{patterns.escape(help_hand.LINK_PREFIX)}"
            f"{patterns.CHAR}{{{help_hand.LINK_LENGTH - 1}}}{patterns.KEPT}"
        ),
        description=f"{help_hand.LINK_PREFIX} + {help_hand.LINK_LENGTH} characters",
    )


class HelpHandTicket(BaseModel):
    link_id: str
    lead_number: str
    price: str
    queries: list[str]
    created_at: str


class HelpHandTickets(BaseModel):
    """Open help-hand requests, oldest first."""

    tickets: list[HelpHandTicket]


@routes.post("/get-help-hand-tickets")
@documented(
    "Open help-hand requests at a price tier, for a psychologist in help-hand mode",
    query=TicketsQuery,
    responses={
        200: HelpHandTickets,
        401: "no token",
        403: "help-hand mode is off",
        404: "unknown psychologist",
    },
    tags=TAGS,
    secured=True,
)
async def get_help_hand_tickets(request: web.Request) -> web.Response:
    integration(request)
    query = parse_query(request, TicketsQuery)
    with wire_fields(tier="price"):
        rows = await help_hand.open_tickets(query.telegram_id, query.price)
    answer = HelpHandTickets(
        tickets=[
            HelpHandTicket(
                link_id=row.link_id or "",
                lead_number=row.number,
                price=row.price_tier or "",
                queries=list(row.queries),
                created_at=row.created_at.isoformat(),
            )
            for row in rows
        ]
    )
    return web.json_response(answer.model_dump())


@routes.post("/confirm-help-hand-by-psychologist")
@documented(
    "Take a help-hand request; the first psychologist to confirm gets it",
    query=ConfirmQuery,
    responses={
        200: TicketOut,
        401: "no token",
        403: "help-hand mode is off",
        404: "unknown request or psychologist",
        409: "already taken",
    },
    tags=TAGS,
    secured=True,
)
async def confirm_help_hand(request: web.Request) -> web.Response:
    initiator = integration(request)
    query = parse_query(request, ConfirmQuery)
    view = await help_hand.confirm(query.telegram_id, query.link_id, initiator)
    return web.json_response(ticket_out(view).model_dump(mode="json"))
