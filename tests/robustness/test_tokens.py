"""Forged, stale and tampered credentials get a 401 JSON answer with a reason, on a bearer
route and on the live board's WebSocket alike."""

from __future__ import annotations

import base64
import hmac
import json
import time
from datetime import timedelta

import aiohttp
import jwt
import pytest

from db.enums import Actor
from domain.timerules import utcnow
from tests.harness.api_callers import Api, sign_init_data
from webapp.auth import Principal, issue_token

MANAGER_ID = 7001


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(role: str = "manager") -> dict[str, object]:
    return {"sub": str(MANAGER_ID), "role": role, "exp": int(time.time()) + 600}


def _signed(
    header: dict[str, str], claims: dict[str, object], key: bytes = b"", digest: str = "sha256"
) -> str:
    """A JWT put together by hand, as an attacker would (unsigned when there is no key)."""
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    signature = hmac.new(key, head.encode(), digest).digest() if key else b""
    return head + "." + _b64(signature)


def bad_tokens(api: Api) -> dict[str, str]:
    secret = api.settings.jwt_secret.get_secret_value()
    client_token = issue_token(api.settings, Principal(MANAGER_ID, Actor.CLIENT))
    head, payload, signature = client_token.split(".")
    edited = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    edited["role"] = "admin"
    long_ago = utcnow() - timedelta(seconds=api.settings.jwt_ttl_s + 60)
    return {
        "expired": issue_token(api.settings, Principal(MANAGER_ID, Actor.MANAGER), now=long_ago),
        "wrong signature": jwt.encode(
            _claims(), "another-secret-entirely-of-forty-characters", algorithm="HS256"
        ),
        "alg none": _signed({"alg": "none", "typ": "JWT"}, _claims()),
        "HS512": _signed({"alg": "HS512", "typ": "JWT"}, _claims(), secret.encode(), "sha512"),
        # RS256 named in the header, the shared secret used as if it were the public key
        "RS256 confused": _signed({"alg": "RS256", "typ": "JWT"}, _claims(), secret.encode()),
        "role edited": f"{head}.{_b64(json.dumps(edited).encode())}.{signature}",
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize(
    "kind",
    [
        "expired",
        "wrong signature",
        "alg none",
        "HS512",
        "RS256 confused",
        "role edited",
        "garbage",
    ],
)
async def test_a_bad_token_is_refused_on_the_api_and_the_websocket(api: Api, kind: str) -> None:
    await api.manager(MANAGER_ID)
    token = bad_tokens(api)[kind]

    answer = await api.http.get(
        "/api/v1/dashboard/board", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 401
    assert (await answer.json())["reason"]
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await api.http.ws_connect("/api/v1/dashboard/updates", params={"token": token})
    assert refused.value.status == 401


async def test_the_genuine_token_passes(api: Api) -> None:
    answer = await api.http.get("/api/v1/dashboard/board", headers=await api.manager(MANAGER_ID))
    assert answer.status == 200


USER = {"id": 880001, "first_name": "Анна"}


async def test_genuine_init_data_signs_in(api: Api) -> None:
    init_data = sign_init_data(api.settings.telegram_token, USER)
    answer = await api.http.post("/api/v1/auth/telegram", json={"init_data": init_data})
    assert answer.status == 200
    assert (await answer.json())["role"] == "client"


def _forged(bot_token: str) -> str:
    genuine = sign_init_data(bot_token, USER)
    return genuine.replace("880001", "880002")


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("forged", "not signed by Telegram"),
        ("replayed after a day", "older than a day"),
        ("signed for another bot", "not signed by Telegram"),
    ],
)
async def test_bad_init_data_is_refused(api: Api, kind: str, reason: str) -> None:
    bot_token = api.settings.telegram_token
    init_data = {
        "forged": _forged(bot_token),
        "replayed after a day": sign_init_data(
            bot_token, USER, auth_date=int(time.time()) - 24 * 3600 - 60
        ),
        "signed for another bot": sign_init_data("987654321:ANOTHER-bot-token", USER),
    }[kind]
    answer = await api.http.post("/api/v1/auth/telegram", json={"init_data": init_data})
    assert answer.status == 401
    assert reason in (await answer.json())["reason"]
