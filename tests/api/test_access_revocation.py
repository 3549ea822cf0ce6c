"""A person's access is what the database says now: a deactivated manager is refused at once,
on every instance, and their live sockets close with 4403; a socket also closes when its token
runs out."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import aiohttp

from db.enums import Actor, ManagerRole
from db.models import Manager, Psychologist
from domain.changes import data_changed
from domain.timerules import utcnow
from tests.harness.api_callers import Api
from tests.harness.builders import make_psychologist
from tests.harness.live_board import UPDATES, connect
from webapp.api.live import CLOSE_ACCESS_REVOKED, CLOSE_TOKEN_EXPIRED
from webapp.auth import Principal, issue_token
from webapp.roles import ROLE_TTL_S

BOARD = "/api/v1/dashboard/board"


async def deactivate(telegram_id: int) -> None:
    """What the staff administration does: the row, then the announcement after it commits."""
    await Manager.filter(telegram_id=telegram_id).update(is_active=False)
    await data_changed("staff.changed")


async def closed_with(ws: aiohttp.ClientWebSocketResponse, timeout: float = 5) -> int | None:
    """The close code the server sent, skipping messages before it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = await ws.receive(timeout=deadline - time.monotonic())
        if message.type == aiohttp.WSMsgType.CLOSE:
            return message.data
        if message.type == aiohttp.WSMsgType.CLOSED:
            return ws.close_code
    return None


async def test_a_deactivated_manager_is_refused_at_once_and_their_socket_closes(api: Api) -> None:
    headers = await api.manager(7001)
    colleague = await api.manager(7002)
    assert (await api.http.get(BOARD, headers=headers)).status == 200
    ws = await connect(api.http, api.token(Actor.MANAGER, 7001))
    other_ws = await connect(api.http, api.token(Actor.MANAGER, 7002))

    await deactivate(7001)

    refused = await api.http.get(BOARD, headers=headers)
    assert refused.status == 401
    assert "access has changed" in (await refused.json())["reason"]
    assert await closed_with(ws) == CLOSE_ACCESS_REVOKED
    assert (await api.http.get(BOARD, headers=colleague)).status == 200
    assert not other_ws.closed
    again = await api.http.get(UPDATES, params={"token": api.token(Actor.MANAGER, 7001)})
    assert again.status == 401
    await other_ws.close()


async def test_a_role_changed_without_announcement_counts_within_the_cache_time(
    api: Api,
) -> None:
    headers = await api.manager(7001)
    assert (await api.http.get(BOARD, headers=headers)).status == 200
    await Manager.filter(telegram_id=7001).update(is_active=False)  # no announcement

    started = time.monotonic()
    while (await api.http.get(BOARD, headers=headers)).status == 200:
        assert time.monotonic() - started < ROLE_TTL_S + 1
        await asyncio.sleep(0.2)
    assert (await api.http.get(BOARD, headers=headers)).status == 401


async def test_a_deactivated_psychologist_loses_the_editor(api: Api) -> None:
    await make_psychologist(telegram_id=3003)
    headers = api.auth(Actor.PSYCHOLOGIST, 3003)
    assert (await api.http.get("/api/v1/editor/week", headers=headers)).status == 200

    await Psychologist.filter(telegram_id=3003).update(is_active=False)
    await data_changed("staff.changed")

    assert (await api.http.get("/api/v1/editor/week", headers=headers)).status == 401


async def test_a_token_of_a_role_never_held_is_refused(api: Api) -> None:
    for role in (Actor.ADMIN, Actor.MANAGER, Actor.PSYCHOLOGIST):
        answer = await api.http.get(BOARD, headers=api.auth(role, 4242))
        assert answer.status == 401, role
    await Manager.create(telegram_id=4242, role=ManagerRole.MANAGER)
    forged_promotion = await api.http.get(BOARD, headers=api.auth(Actor.ADMIN, 4242))
    assert forged_promotion.status == 401


async def test_a_socket_closes_when_its_token_runs_out(api: Api) -> None:
    await api.manager(7001)
    ttl = timedelta(seconds=api.settings.jwt_ttl_s)
    almost_over = issue_token(
        api.settings, Principal(7001, Actor.MANAGER), now=utcnow() - ttl + timedelta(seconds=1)
    )
    ws = await connect(api.http, almost_over)

    assert await closed_with(ws, timeout=4) == CLOSE_TOKEN_EXPIRED


async def test_deactivated_through_one_instance_is_refused_on_the_other(
    two_instances: tuple[Api, Api],
) -> None:
    first, second = two_instances
    admin = await first.signed_in(Actor.ADMIN, 7000)
    headers = await first.manager(7001)
    ws = await connect(second.http, second.token(Actor.MANAGER, 7001))
    assert (await second.http.get(BOARD, headers=headers)).status == 200  # remembered there
    manager = await Manager.get(telegram_id=7001)

    started = time.monotonic()
    answer = await first.http.patch(
        f"/api/v1/staff/managers/{manager.id}", json={"active": False}, headers=admin
    )
    assert answer.status == 200

    assert await closed_with(ws) == CLOSE_ACCESS_REVOKED
    assert (await second.http.get(BOARD, headers=headers)).status == 401
    assert time.monotonic() - started < ROLE_TTL_S  # told through Redis, not by the cache's age
