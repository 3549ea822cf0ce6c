"""Signing in with Telegram initData, client registration, and tokens on every route."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest

from config import SANDBOX_TOKEN
from db.enums import Actor, ManagerRole
from db.models import Manager
from domain.timerules import utcnow
from tests.harness.api_callers import Api, sign_init_data
from tests.harness.builders import make_psychologist

USER = {"id": 4242, "first_name": "Анна", "last_name": "Петрова", "username": "anna"}


async def _sign_in(api: Api, init_data: str) -> tuple[int, dict]:
    answer = await api.http.post("/api/v1/auth/telegram", json={"init_data": init_data})
    return answer.status, await answer.json()


async def test_telegram_sign_in_gives_each_role_from_the_database(api: Api) -> None:
    api.settings.admin_ids = [1]
    await Manager.create(telegram_id=2, role=ManagerRole.MANAGER)
    await Manager.create(telegram_id=3, role=ManagerRole.ADMIN)
    await make_psychologist(telegram_id=4)
    expected = {1: "admin", 2: "manager", 3: "admin", 4: "psychologist", 5: "client"}

    for telegram_id, role in expected.items():
        user = {**USER, "id": telegram_id}
        status, body = await _sign_in(api, sign_init_data(SANDBOX_TOKEN, user))
        assert (status, body["role"]) == (200, role)
        claims = jwt.decode(
            body["token"], api.settings.jwt_secret.get_secret_value(), algorithms=["HS256"]
        )
        assert (claims["sub"], claims["role"]) == (str(telegram_id), role)
        assert claims["exp"] - claims["iat"] == api.settings.jwt_ttl_s


async def test_telegram_sign_in_refuses_forged_old_and_malformed_data(api: Api) -> None:
    forged = sign_init_data("987654321:another-bot", USER)
    old = sign_init_data(SANDBOX_TOKEN, USER, auth_date=int(time.time()) - 86_400 - 60)
    future = sign_init_data(SANDBOX_TOKEN, USER, auth_date=int(time.time()) + 3600)
    tampered = sign_init_data(SANDBOX_TOKEN, USER).replace("4242", "4243")

    for init_data, reason in [
        (forged, "not signed by Telegram"),
        (tampered, "not signed by Telegram"),
        (old, "older than a day"),
        (future, "in the future"),
        ("garbage", "not signed by Telegram"),
    ]:
        status, body = await _sign_in(api, init_data)
        assert status == 401
        assert reason in body["reason"]

    answer = await api.http.post("/api/v1/auth/telegram", json={"init_data": ""})
    assert answer.status == 400
    assert (await answer.json())["field"] == "init_data"
    answer = await api.http.post("/api/v1/auth/telegram", data=b"{not json")
    assert (answer.status, (await answer.json())["field"]) == (400, "body")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/services"),
        ("PATCH", "/api/v1/services/1"),
        ("DELETE", "/api/v1/services/1"),
        ("POST", "/api/v1/branches"),
        ("PATCH", "/api/v1/branches/1"),
        ("DELETE", "/api/v1/branches/1"),
        ("GET", "/api/v1/slots/available"),
        ("POST", "/api/v1/slots/1/hold"),
        ("POST", "/api/v1/appointments"),
        ("GET", "/api/v1/appointments/my"),
        ("GET", "/api/v1/dashboard/board"),
        ("PATCH", "/api/v1/appointments/1/status"),
        ("PATCH", "/api/v1/appointments/1/reschedule"),
        ("POST", "/api/v1/appointments/manual"),
        ("GET", "/api/v1/dashboard/updates"),
    ],
)
async def test_every_private_route_wants_a_valid_token(api: Api, method: str, path: str) -> None:
    settings = api.settings
    expired = jwt.encode(
        {"sub": "1", "role": "admin", "exp": utcnow() - timedelta(seconds=1)},
        settings.jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    unsigned = jwt.encode({"sub": "1", "role": "admin", "exp": 9e9}, None, algorithm="none")
    other_key = jwt.encode({"sub": "1", "role": "admin", "exp": 9e9}, "x" * 32, algorithm="HS256")
    for token, reason in [
        (None, "needs Authorization"),
        (expired, "expired"),
        (unsigned, "not valid"),
        (other_key, "not valid"),
    ]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        query = {"token": token} if token and path.endswith("updates") else {}
        answer = await api.http.request(method, path, headers=headers, params=query)
        assert answer.status == 401
        assert reason in (await answer.json())["reason"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/api/v1/services", {"manager", "admin"}),
        ("DELETE", "/api/v1/branches/1", {"manager", "admin"}),
        ("POST", "/api/v1/slots/1/hold", {"client"}),
        ("POST", "/api/v1/appointments", {"client"}),
        ("GET", "/api/v1/appointments/my", {"client"}),
        ("GET", "/api/v1/dashboard/board", {"manager", "admin"}),
        ("PATCH", "/api/v1/appointments/1/status", {"manager", "admin"}),
        ("POST", "/api/v1/appointments/manual", {"manager", "admin"}),
        ("GET", "/api/v1/slots/available", {"client", "manager", "admin"}),
        ("PATCH", "/api/v1/appointments/1/reschedule", {"client", "manager", "admin"}),
    ],
)
async def test_the_wrong_role_is_refused(
    api: Api, method: str, path: str, allowed: set[str]
) -> None:
    for role in set(Actor) - {Actor.INTEGRATION, Actor.SYSTEM}:
        if role.value in allowed:
            continue
        headers = await api.signed_in(role, 90 + list(Actor).index(role))
        answer = await api.http.request(method, path, headers=headers)
        assert answer.status == 403, role
        assert "this endpoint is for" in (await answer.json())["reason"]


async def test_a_client_token_without_a_profile_must_register_first(api: Api) -> None:
    answer = await api.http.get("/api/v1/appointments/my", headers=api.auth(Actor.CLIENT, 99))
    assert answer.status == 403
    assert "register first" in (await answer.json())["reason"]
