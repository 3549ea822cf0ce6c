"""Deliveries for staff: what the outbox sender has still to send, what it could not, and a
retry of a failed message. Managers and admins see them; only an admin retries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from db.enums import Actor, OutboxState
from domain.entities import Outbox
from domain.messaging import delivery
from webapp.api.schemas import MAX_ID, path_id
from webapp.auth import STAFF, require_role
from webapp.errors import wire_fields
from webapp.openapi import documented
from webapp.validation import parse_query

routes = web.RouteTableDef()


class DeliveriesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: OutboxState | None = None
    limit: int = Field(default=100, ge=1, le=500)
    before_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class DeliveryOut(BaseModel):
    """One message to a person and what became of it."""

    id: int
    chat_id: int
    kind: str
    text: str
    state: OutboxState
    attempts: int
    last_error: str
    client_id: int | None
    psychologist_id: int | None
    created_at: datetime
    not_before: datetime
    sent_at: datetime | None
    telegram_message_id: int | None


class DeliveriesOut(BaseModel):
    """Deliveries, newest first, and how many there are in each state."""

    deliveries: list[DeliveryOut]
    counts: dict[str, int]


def _render(row: Outbox) -> dict[str, Any]:
    return DeliveryOut(
        id=row.id,
        chat_id=row.chat_id,
        kind=row.kind,
        text=row.text,
        state=row.state,
        attempts=row.attempts,
        last_error=row.last_error,
        client_id=row.client_id,
        psychologist_id=row.psychologist_id,
        created_at=row.created_at,
        not_before=row.not_before,
        sent_at=row.sent_at,
        telegram_message_id=row.telegram_message_id,
    ).model_dump(mode="json")


@routes.get("/api/v1/system/deliveries")
@documented(
    "Messages to people and their delivery state (e.g. ?state=failed), newest first",
    query=DeliveriesQuery,
    responses={200: DeliveriesOut},
    tags=("system",),
    secured=True,
)
async def list_deliveries(request: web.Request) -> web.Response:
    require_role(request, *STAFF)
    query = parse_query(request, DeliveriesQuery)
    rows = await delivery.deliveries(query.state, limit=query.limit, before_id=query.before_id)
    return web.json_response(
        {"deliveries": [_render(row) for row in rows], "counts": await delivery.counts()}
    )


@routes.post("/api/v1/system/deliveries/{id:\\d+}/retry")
@documented(
    "Put a failed message back in the queue (the client counts as reachable again)",
    responses={200: DeliveryOut, 404: "no such delivery", 409: "the delivery has not failed"},
    tags=("system",),
    secured=True,
)
async def retry_delivery(request: web.Request) -> web.Response:
    principal = require_role(request, Actor.ADMIN.value)
    with wire_fields(row_id="id"):
        row = await delivery.retry(path_id(request), principal.initiator())
    return web.json_response(_render(row))
