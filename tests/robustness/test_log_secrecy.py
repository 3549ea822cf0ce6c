"""No secret in the logs: a full scenario runs with every logger at DEBUG (ours, aiohttp's
access and server logs, aiogram, Tortoise, the database drivers), and the captured text holds
no secret, token, JWT, phone number or initData that went by."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot

from bot.sender import running_sender
from config import GENERATED_SECRETS, load_settings, masked
from db.enums import ManagerRole, OutboxState
from db.models import Manager, Outbox, Slot
from domain.people.access import login_link
from domain.timerules import MSK, utcnow
from sandbox import SANDBOX_TOKEN, BotApiEmulator
from tests.harness.api_callers import Api, sign_init_data
from tests.harness.bot_users import Person, register
from tests.harness.integrations import ANKETA
from webapp.app import MAX_REQUEST_LINE_BYTES
from webapp.logs import JsonFormatter

pytestmark = pytest.mark.usefixtures("database")

API_CLIENT_ID = 4_242_001
MANAGER_ID = 7_001
PSYCHOLOGIST_ID = 3_003_001
API_PHONE = "+79161234567"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], str]]:
    """Every logger at DEBUG, all of it captured; returns the captured text, tracebacks
    included, as the text and the JSON formatters (LOG_FORMAT) write it."""
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    levels = {lg: lg.level for lg in loggers}
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    formatters = [logging.Formatter("%(levelname)s %(name)s: %(message)s"), JsonFormatter()]
    try:
        yield lambda: "\n".join(
            formatter.format(record) for record in caplog.records for formatter in formatters
        )
    finally:
        for lg, level in levels.items():
            lg.setLevel(level)


def _digits(phone: str) -> list[str]:
    """The ways a phone number may be written: E.164, digits only, without the country code."""
    digits = re.sub(r"\D", "", phone)
    return [phone, digits, digits[1:]]


async def _settled(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while await Outbox.filter(state__in=[OutboxState.PENDING, OutboxState.SENDING]).exists():
        assert time.monotonic() < deadline, "the sender did not settle"
        await asyncio.sleep(0.05)


async def test_a_full_scenario_leaves_no_secret_in_the_logs(  # noqa: PLR0914, PLR0915
    api: Api,
    emulator: BotApiEmulator,
    running_bot: Bot,
    person: Callable[..., Person],
    debug_logs: Callable[[], str],
) -> None:
    http = api.http
    settings = api.settings
    integration = settings.integration_token.get_secret_value()
    webhook = settings.webhook_secret.get_secret_value()
    bearer = {"Authorization": f"Bearer {integration}"}
    secrets: dict[str, str] = {
        "integration token": integration,
        "webhook secret": webhook,
        "JWT secret": settings.jwt_secret.get_secret_value(),
    }

    # A psychologist fills the anketa; the answer carries the schedule secret, shown once.
    anketa = await http.post(
        "/psychologist-form",
        json={
            "anketa": {**ANKETA, "name": "Анна Иванова"},
            "psychologist_id": str(PSYCHOLOGIST_ID),
        },
        headers=bearer,
    )
    assert anketa.status == 201
    secret = (await anketa.json())["secret"]
    secrets["schedule secret"] = secret
    starts = (utcnow() + timedelta(days=3)).astimezone(MSK).replace(minute=0)
    added = await http.post(
        "/add-slot", json={"secret": secret, "slot": starts.strftime("%d.%m %H:%M")}
    )
    assert added.status == 201
    slot_id = (await added.json())["id"]
    day = starts.date().isoformat()
    # the secret in a query string: the access log must not write it
    own = await http.get("/get-slot", params={"secret": secret, "startDate": day, "endDate": day})
    assert own.status == 200
    refused = await http.get(
        "/get-ticket-for-slot",
        params={"secret": f"{secret}-wrong", "date": starts.strftime("%d.%m"), "time": "10:00"},
    )
    assert refused.status == 401
    secrets["wrong schedule secret"] = f"{secret}-wrong"

    # A client registers in the bot by sharing a phone number...
    someone = person(language="ru", name="Мария")
    await register(someone)
    # ...and another through the booking mini app with signed initData.
    emulator.user(API_CLIENT_ID, "Ольга", phone=API_PHONE)
    emulator.user(PSYCHOLOGIST_ID, "Анна")
    init_data = sign_init_data(SANDBOX_TOKEN, {"id": API_CLIENT_ID, "first_name": "Ольга"})
    secrets["initData"] = init_data
    secrets["initData hash"] = init_data.rsplit("hash=", 1)[1]
    registered = await http.post(
        "/api/v1/clients/auth",
        json={"phone": "8 (916) 123-45-67", "telegram_id": API_CLIENT_ID, "init_data": init_data},
    )
    assert registered.status == 200
    secrets["client token"] = (await registered.json())["token"]
    exchanged = await http.post("/api/v1/auth/telegram", json={"init_data": init_data})
    assert exchanged.status == 200
    client_jwt = (await exchanged.json())["token"]
    secrets["client JWT"] = client_jwt
    forged = await http.post("/api/v1/auth/telegram", json={"init_data": init_data + "0"})
    assert forged.status == 401

    # The client books; the booking queues messages, the sender delivers them.
    as_client = {"Authorization": f"Bearer {client_jwt}"}
    held = await http.post(f"/api/v1/slots/{slot_id}/hold", headers=as_client)
    assert held.status == 200
    booked = await http.post("/api/v1/appointments", json={"slot_id": slot_id}, headers=as_client)
    assert booked.status == 201
    # the token in a query string (as the WebSocket takes it) on an ordinary route
    services_list = await http.get("/api/v1/services", params={"token": client_jwt})
    assert services_list.status == 400  # not a parameter of this route

    # A manager opens the board from the bot's one-time login link and watches it live.
    await Manager.create(telegram_id=MANAGER_ID, name="Ольга", role=ManagerRole.MANAGER)
    link = await login_link(
        settings.base_url, settings.jwt_secret.get_secret_value(), MANAGER_ID, []
    )
    login_token = link.rsplit("#token=", 1)[1]
    secrets["login token"] = login_token
    session = await http.post("/api/v1/auth/exchange", json={"token": login_token})
    assert session.status == 200
    manager_jwt = (await session.json())["token"]
    secrets["manager JWT"] = manager_jwt
    ws = await http.ws_connect("/api/v1/dashboard/updates", params={"token": manager_jwt})
    assert (await ws.receive_json(timeout=5))["type"] == "ready"
    board = await http.get(
        "/api/v1/dashboard/board", headers={"Authorization": f"Bearer {manager_jwt}"}
    )
    assert board.status == 200
    await ws.close()

    # The database webhook with its secret, once right and once wrong.
    payload = {
        "type": "UPDATE",
        "table": "slots",
        "record": {"id": slot_id, "status": "booked"},
        "old_record": {"id": slot_id, "status": "free"},
    }
    hooked = await http.post(
        "/notify-update", json=payload, headers={"Authorization": f"Bearer {webhook}"}
    )
    assert hooked.status == 200
    wrong = await http.post(
        "/notify-update", json=payload, headers={"X-Webhook-Secret": f"{webhook}x"}
    )
    assert wrong.status == 401

    # A request the HTTP parser refuses, quoting the start of its line in the error.
    async with aiohttp.ClientSession() as raw:
        url = http.make_url("/get-slot").with_query(
            secret=secret, pad="x" * (MAX_REQUEST_LINE_BYTES + 10)
        )
        async with raw.get(url) as too_long:
            assert too_long.status == 400

    async with running_sender(
        running_bot, api.services.signals, rate=100, backoff_s=0.05, poll_s=0.05
    ):
        await _settled()
    assert await Outbox.filter(state=OutboxState.SENT).exists()
    assert await Slot.filter(id=slot_id).exists()

    logged = debug_logs()
    assert "GET /get-slot?secret=<redacted>" in logged  # the access log did run, redacted
    assert "refused a malformed request" in logged
    for what, value in secrets.items():
        assert value not in logged, f"the {what} is in the logs"
        for part in value.split("."):  # a JWT's parts: its signature alone is enough to hide
            if len(part) >= 16:
                assert part not in logged, f"part of the {what} is in the logs"
    for phone in (*_digits(API_PHONE), *_digits(someone.phone)):
        assert phone not in logged, f"the phone number {phone} is in the logs"


def test_generated_secrets_are_logged_by_their_first_four_characters_only(
    tmp_path: Path, debug_logs: Callable[[], str]
) -> None:
    unset = dict.fromkeys(GENERATED_SECRETS, "")
    settings = load_settings(data_dir=tmp_path / "data", **unset)
    logged = debug_logs()
    for name in GENERATED_SECRETS:
        value = getattr(settings, name).get_secret_value()
        assert value not in logged
        assert f"generated {name} {masked(value)}" in logged
        assert masked(value).startswith(value[:4])
