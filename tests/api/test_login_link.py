"""The bot's one-time login link: its token is exchanged once for a panel token
(`POST /api/v1/auth/exchange`); used again, expired, forged or of the wrong purpose it is
refused; a panel token given to the exchange comes back as it is."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from db.enums import Actor, ManagerRole
from db.models import Manager, UsedLoginToken
from domain.errors import Forbidden
from domain.people.access import login_link
from domain.timerules import utcnow
from tests.harness.api_callers import Api

EXCHANGE = "/api/v1/auth/exchange"


async def _link_token(api: Api, telegram_id: int, **kw: object) -> str:
    link = await login_link(
        api.settings.base_url,
        api.settings.jwt_secret.get_secret_value(),
        telegram_id,
        api.settings.admin_ids,
        **kw,  # type: ignore[arg-type]
    )
    assert "/app/board#token=" in link
    return link.rsplit("#token=", 1)[-1]


async def _exchange(api: Api, token: str) -> tuple[int, dict]:
    answer = await api.http.post(EXCHANGE, json={"token": token})
    return answer.status, await answer.json()


async def test_a_login_link_opens_one_session_only(api: Api) -> None:
    await Manager.create(telegram_id=7001, name="Olga", role=ManagerRole.MANAGER)
    token = await _link_token(api, 7001)

    # Before the exchange the link's token is no session.
    refused = await api.http.get(
        "/api/v1/dashboard/board", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status == 401

    status, body = await _exchange(api, token)
    assert (status, body["role"]) == (200, "manager")
    claims = jwt.decode(
        body["token"], api.settings.jwt_secret.get_secret_value(), algorithms=["HS256"]
    )
    assert (claims["sub"], claims["role"], claims.get("purpose")) == ("7001", "manager", None)
    board = await api.http.get(
        "/api/v1/dashboard/board", headers={"Authorization": f"Bearer {body['token']}"}
    )
    assert board.status == 200
    assert await UsedLoginToken.filter(telegram_id=7001).count() == 1

    status, body = await _exchange(api, token)
    assert status == 401
    assert body["reason"].startswith("this link has been used")


async def test_an_expired_forged_or_revoked_link_is_refused(api: Api) -> None:
    api.settings.admin_ids = [9001]
    expired = await _link_token(api, 9001, now=utcnow() - timedelta(minutes=11))
    status, body = await _exchange(api, expired)
    assert status == 401 and "expired" in body["reason"]

    claims = jwt.decode(
        await _link_token(api, 9001),
        api.settings.jwt_secret.get_secret_value(),
        algorithms=["HS256"],
    )
    forged = jwt.encode(claims, "another secret of thirty-two bytes!", algorithm="HS256")
    status, body = await _exchange(api, forged)
    assert status == 401

    # A manager switched off after the link was made gets no session from it.
    olga = await Manager.create(telegram_id=7002, name="Olga")
    token = await _link_token(api, 7002)
    olga.is_active = False
    await olga.save()
    status, body = await _exchange(api, token)
    assert (status, body["reason"]) == (403, "this link is for managers and admins")
    assert await UsedLoginToken.all().count() == 0


async def test_the_purpose_decides_what_the_exchange_does(api: Api) -> None:
    # A session token is answered as it is (links that carry #token=<session> keep working).
    await api.manager(7001)
    session = api.token(Actor.MANAGER, 7001)
    status, body = await _exchange(api, session)
    assert (status, body) == (200, {"token": session, "role": "manager"})

    # A token of another purpose is no login link and no session either.
    now = utcnow()
    other = jwt.encode(
        {
            "sub": "7001",
            "role": "manager",
            "purpose": "reset",
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "jti": "x",
        },
        api.settings.jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    status, body = await _exchange(api, other)
    assert status == 401

    # Only staff get links; an empty or missing token is a 400 naming the field.
    with pytest.raises(Forbidden):
        await _link_token(api, 5)
    answer = await api.http.post(EXCHANGE, json={})
    assert answer.status == 400
    assert (await answer.json())["field"] == "token"
