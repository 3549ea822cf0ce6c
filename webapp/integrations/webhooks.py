"""`POST /notify-update`: the database webhook (Supabase payload) about the slots table."""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict

from db.enums import Actor, SlotStatus
from domain.audit import Initiator
from domain.booking import slot_webhook
from webapp.auth import Unauthorized, bearer_token, same_secret
from webapp.integrations.common import RecordId
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()
TAGS = ("legacy: webhooks",)
WEBHOOK = Initiator(Actor.SYSTEM, ref="notify-update", source="webhook")


class SlotRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: RecordId
    status: SlotStatus


class OldSlotRecord(BaseModel):
    """Without REPLICA IDENTITY FULL the database sends only the key of the old row."""

    model_config = ConfigDict(extra="ignore")

    id: RecordId
    status: SlotStatus | None = None


class SupabasePayload(BaseModel):
    type: Literal["INSERT", "UPDATE", "DELETE"]
    table: Literal["slots", "hraniteli_slots"]
    record: SlotRecord | None = None
    old_record: OldSlotRecord | None = None


class WebhookOut(BaseModel):
    """What the change led to: the notice queued now (none if told already or nothing to tell)."""

    slot_id: int | None
    appointment_id: int | None
    notice: str | None
    queued: bool


def _check_secret(request: web.Request) -> None:
    expected = request.config_dict[SERVICES].settings.webhook_secret.get_secret_value()
    given = bearer_token(request) or request.headers.get("X-Webhook-Secret")
    if not same_secret(given, expected):
        raise Unauthorized("needs Authorization: Bearer <WEBHOOK_SECRET> or X-Webhook-Secret")


@routes.post("/notify-update")
@documented(
    "Database webhook for the slots table: a status change notifies as an internal one would "
    "(idempotent for a repeated delivery); checks WEBHOOK_SECRET",
    body=SupabasePayload,
    responses={200: WebhookOut, 401: "wrong webhook secret"},
    tags=TAGS,
    secured=("bearer", "webhook_secret"),
)
async def notify_update(request: web.Request) -> web.Response:
    _check_secret(request)
    payload = await parse_body(request, SupabasePayload)
    if payload.type != "UPDATE" or payload.record is None:
        # a new slot is free and a deleted one had no booking (removal refuses booked slots)
        answer = WebhookOut(slot_id=None, appointment_id=None, notice=None, queued=False)
        return web.json_response(answer.model_dump())
    record, old = payload.record, payload.old_record
    if old is not None and old.id != record.id:
        old = None  # another row's old values say nothing of this row's change
    outcome = await slot_webhook.slot_status_changed(
        record.id, old.status if old else None, record.status, WEBHOOK
    )
    answer = WebhookOut(
        slot_id=outcome.slot_id,
        appointment_id=outcome.appointment_id,
        notice=outcome.notice,
        queued=outcome.queued,
    )
    return web.json_response(answer.model_dump())
