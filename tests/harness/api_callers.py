"""Callers of the web app's API: headers with a token of each role, initData signed as Telegram
signs it for a mini app."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient

from config import Settings
from db.enums import Actor, ManagerRole
from db.models import Client, Manager
from services import Services
from tests.harness.builders import make_client, make_psychologist
from webapp.auth import Principal, issue_token
from webapp.keys import SERVICES


def sign_init_data(
    bot_token: str, user: dict[str, Any], *, auth_date: int | None = None, **extra: str
) -> str:
    """initData as Telegram signs it for a mini app (HMAC-SHA256, key "WebAppData")."""
    fields = {
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        **extra,
    }
    return sign_fields(bot_token, fields)


def sign_fields(bot_token: str, fields: dict[str, str]) -> str:
    """`fields` as a query string signed the way Telegram signs mini-app data (initData, and
    the result of `requestContact`)."""
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return urlencode(
        {**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()}
    )


def bearer(http: TestClient, role: Actor, telegram_id: int) -> dict[str, str]:
    """The headers of `telegram_id` with a token of `role` from the app `http` calls."""
    token = issue_token(http.app[SERVICES].settings, Principal(telegram_id, role))
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Api:
    """The app on loopback and ways to act as each kind of caller."""

    http: TestClient

    @property
    def services(self) -> Services:
        return self.http.app[SERVICES]

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def token(self, role: Actor, telegram_id: int) -> str:
        return issue_token(self.settings, Principal(telegram_id, role))

    def auth(self, role: Actor, telegram_id: int) -> dict[str, str]:
        return bearer(self.http, role, telegram_id)

    async def signed_in(self, role: Actor, telegram_id: int) -> dict[str, str]:
        """The headers of `telegram_id` signed in with `role`, which the database gives them
        (roles are read from it on every request)."""
        if role in {Actor.MANAGER, Actor.ADMIN}:
            await Manager.get_or_create(
                telegram_id=telegram_id, defaults={"role": ManagerRole(role.value)}
            )
        elif role == Actor.PSYCHOLOGIST:
            await make_psychologist(telegram_id=telegram_id)
        return self.auth(role, telegram_id)

    async def manager(self, telegram_id: int = 7001) -> dict[str, str]:
        await Manager.get_or_create(
            telegram_id=telegram_id, defaults={"role": ManagerRole.MANAGER}
        )
        return self.auth(Actor.MANAGER, telegram_id)

    async def client(self, **fields: Any) -> tuple[Client, dict[str, str]]:
        client = await make_client(**fields)
        assert client.telegram_id is not None
        return client, self.auth(Actor.CLIENT, client.telegram_id)
