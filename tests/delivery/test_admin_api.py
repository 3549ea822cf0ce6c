"""Staff see pending and failed deliveries over HTTP; an admin retries a failed one."""

from __future__ import annotations

from aiogram import Bot
from aiohttp.test_utils import TestClient

from bot.sender import running_sender
from db.enums import Actor, OutboxState
from db.models import Client
from sandbox import BotApiEmulator
from services import Signals
from tests.harness.api_callers import Api
from tests.harness.builders import make_client
from tests.harness.outbox import FAST, queue_message, wait_until_settled

STAFF_IDS = {Actor.MANAGER: 9001, Actor.ADMIN: 9002}


async def auth(web_client: TestClient, role: Actor) -> dict[str, str]:
    """A signed-in caller with `role`; staff are in the database, where roles are read."""
    return await Api(web_client).signed_in(role, STAFF_IDS.get(role, 9003))


async def test_failed_delivery_is_listed_and_retried_by_an_admin(
    web_client: TestClient, emulator: BotApiEmulator, bot: Bot, signals: Signals
) -> None:
    client = await make_client(telegram_id=4400)
    emulator.user(4400)
    emulator.block_bot(4400)
    row = await queue_message(4400, "about your session", client=client)
    async with running_sender(bot, signals, rate=100, **FAST):
        await wait_until_settled()

    answer = await web_client.get(
        "/api/v1/system/deliveries",
        params={"state": "failed"},
        headers=await auth(web_client, Actor.MANAGER),
    )
    assert answer.status == 200
    body = await answer.json()
    [failed] = body["deliveries"]
    assert (failed["id"], failed["state"], failed["chat_id"]) == (row.id, "failed", 4400)
    assert failed["last_error"].startswith("the recipient blocked the bot")
    assert body["counts"]["failed"] == 1

    refused = await web_client.post(
        f"/api/v1/system/deliveries/{row.id}/retry", headers=await auth(web_client, Actor.MANAGER)
    )
    assert refused.status == 403

    emulator.unblock_bot(4400)
    retried = await web_client.post(
        f"/api/v1/system/deliveries/{row.id}/retry", headers=await auth(web_client, Actor.ADMIN)
    )
    assert retried.status == 200
    assert (await retried.json())["state"] == "pending"
    assert not (await Client.get(id=client.id)).blocked_bot
    async with running_sender(bot, signals, rate=100, **FAST):
        await emulator.wait_for_sent(4400, 1)
        await wait_until_settled()
    await row.refresh_from_db()
    assert row.state == OutboxState.SENT

    again = await web_client.post(
        f"/api/v1/system/deliveries/{row.id}/retry", headers=await auth(web_client, Actor.ADMIN)
    )
    assert again.status == 409
    assert "only a failed delivery" in (await again.json())["reason"]


async def test_deliveries_need_a_staff_token_and_valid_input(web_client: TestClient) -> None:
    assert (await web_client.get("/api/v1/system/deliveries")).status == 401
    client_token = await auth(web_client, Actor.CLIENT)
    assert (await web_client.get("/api/v1/system/deliveries", headers=client_token)).status == 403
    manager = await auth(web_client, Actor.MANAGER)
    bad = await web_client.get(
        "/api/v1/system/deliveries", params={"state": "lost"}, headers=manager
    )
    assert bad.status == 400
    assert (await bad.json())["field"] == "state"
    admin = await auth(web_client, Actor.ADMIN)
    missing = await web_client.post("/api/v1/system/deliveries/999/retry", headers=admin)
    assert missing.status == 404
    not_an_id = await web_client.post("/api/v1/system/deliveries/abc/retry", headers=admin)
    assert not_an_id.status == 404  # no such route: the id segment is digits
    for wrong_id in ("0", "99999999999"):
        wrong = await web_client.post(f"/api/v1/system/deliveries/{wrong_id}/retry", headers=admin)
        assert wrong.status == 400
        assert (await wrong.json())["field"] == "id"
    spec = await (await web_client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/system/deliveries/{id}/retry" in spec["paths"]
