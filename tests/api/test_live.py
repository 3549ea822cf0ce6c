"""The live board: changes made through other routes reach connected managers' sockets."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from config import load_settings
from db.enums import Actor
from db.models import Manager
from services import Services
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot
from tests.harness.live_board import UPDATES, connect, next_event, stays_quiet
from webapp.api.live import LIVE_HUB
from webapp.app import create_app
from webapp.auth import Principal, issue_token


async def test_manager_hears_a_booking_and_a_status_change(api: Api) -> None:
    await api.manager(7001)
    ws = await connect(api.http, api.token(Actor.MANAGER, 7001))
    slot = await future_slot()
    _, client = await api.client(name="Вера")

    booked = await api.http.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=client)
    appointment = await booked.json()
    created = await next_event(ws)
    assert created == {"type": "appointment.created", "appointment": appointment}

    await api.http.patch(
        f"/api/v1/appointments/{appointment['id']}/status",
        json={"status": "confirmed"},
        headers=await api.signed_in(Actor.ADMIN, 1),
    )
    updated = await next_event(ws)
    assert updated["type"] == "appointment.updated"
    assert updated["appointment"]["status"] == "confirmed"
    assert updated["appointment"]["client"]["name"] == "Вера"
    assert await stays_quiet(ws)
    await ws.close()


async def test_only_managers_connect_and_a_foreign_origin_is_refused(api: Api) -> None:
    for telegram_id, role in enumerate((Actor.CLIENT, Actor.PSYCHOLOGIST), start=3):
        await api.signed_in(role, telegram_id)
        answer = await api.http.get(UPDATES, params={"token": api.token(role, telegram_id)})
        assert answer.status == 403
    await api.manager(5)
    missing = await api.http.get(UPDATES)
    assert missing.status == 401
    foreign = await api.http.get(
        UPDATES,
        params={"token": api.token(Actor.MANAGER, 5)},
        headers={"Origin": "https://evil.example"},
    )
    assert (foreign.status, (await foreign.json())["reason"]) == (
        403,
        "the Origin of this page is not allowed",
    )
    plain = await api.http.get(UPDATES, params={"token": api.token(Actor.MANAGER, 5)})
    assert (plain.status, (await plain.json())["reason"]) == (
        400,
        "this endpoint speaks WebSocket only",
    )
    own = f"http://{api.http.host}:{api.http.port}"
    ws = await api.http.ws_connect(
        UPDATES, params={"token": api.token(Actor.MANAGER, 5)}, headers={"Origin": own}
    )
    assert await next_event(ws) == {"type": "ready"}
    await ws.send_str("ping")
    assert (await ws.receive(timeout=3)).data == "pong"
    await ws.close()


async def test_a_closed_socket_is_forgotten_and_the_others_still_hear(api: Api) -> None:
    hub = api.http.app[LIVE_HUB]
    await api.manager(5)
    token = api.token(Actor.MANAGER, 5)
    leaving, staying = await connect(api.http, token), await connect(api.http, token)
    assert len(hub.sockets) == 2

    await leaving.close()
    for _ in range(100):
        if len(hub.sockets) == 1:
            break
        await asyncio.sleep(0.01)
    assert len(hub.sockets) == 1

    slot = await future_slot()
    _, client = await api.client()
    await api.http.post("/api/v1/appointments", json={"slot_id": slot.id}, headers=client)
    assert (await next_event(staying))["type"] == "appointment.created"
    await staying.close()


async def test_shutdown_closes_the_sockets(database: str, tmp_path: Path) -> None:
    settings = load_settings(database_url=database, data_dir=tmp_path)
    app = create_app(Services(settings=settings), own_database=False)
    http = TestClient(TestServer(app))
    await http.start_server()
    await Manager.create(telegram_id=5)

    ws = await connect(http, issue_token(settings, Principal(5, Actor.MANAGER)))
    await http.close()
    closing = await ws.receive(timeout=3)
    assert closing.type in {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED}
    assert app[LIVE_HUB].sockets == {}


async def test_a_change_on_one_instance_reaches_a_socket_on_the_other(
    two_instances: tuple[Api, Api],
) -> None:
    first, second = two_instances
    await first.manager(5)
    token = first.token(Actor.MANAGER, 5)
    on_first, on_second = await connect(first.http, token), await connect(second.http, token)
    slot = await future_slot()
    _, client = await first.client()

    booked = await first.http.post(
        "/api/v1/appointments", json={"slot_id": slot.id}, headers=client
    )
    appointment = await booked.json()

    expected = {"type": "appointment.created", "appointment": appointment}
    assert await next_event(on_second) == expected
    assert await next_event(on_first) == expected
    assert await stays_quiet(on_first)
    assert await stays_quiet(on_second)
    await on_first.close()
    await on_second.close()
