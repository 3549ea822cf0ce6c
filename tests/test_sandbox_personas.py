"""The /sandbox personas over real HTTP: offered on the page, one call makes the persona's
user (once), and a new user's suggested id stays clear of theirs."""

from __future__ import annotations

import json
import re

from aiohttp import ClientSession, web

from sandbox import SANDBOX_TOKEN, BotApiEmulator
from sandbox.chat import Persona, setup_sandbox_chat
from tests.harness.browser import ServeApp

PERSONAS = (
    Persona("client", 2**52 + 401, "Анна (клиент)"),
    Persona("manager", 2**52 + 201, "Демо-менеджер"),
)


async def test_a_persona_is_one_call_away(serve_app: ServeApp) -> None:
    emulator = BotApiEmulator()
    app = web.Application()
    setup_sandbox_chat(app, emulator, SANDBOX_TOKEN, personas=PERSONAS)
    server = await serve_app(app)
    async with ClientSession(str(server.make_url(""))) as http:
        async with http.get("/sandbox/") as answer:
            page = await answer.text()
        found = re.search(
            r'<script id="sandbox-data" type="application/json">(.+?)</script>', page
        )
        assert found is not None
        config = json.loads(found[1])["config"]
        assert [p["role"] for p in config["personas"]] == ["client", "manager"]
        assert config["next_user_id"] == 100_001

        for _ in range(2):
            async with http.post("/sandbox/api/personas/manager", json={}) as answer:
                assert answer.status == 200
                user = await answer.json()
            assert (user["id"], user["first_name"]) == (2**52 + 201, "Демо-менеджер")
        assert [u["id"] for u in emulator.users()] == [2**52 + 201]

        async with http.get("/sandbox/api/users") as answer:
            assert (await answer.json())["next_user_id"] == 100_001
        async with http.post("/sandbox/api/personas/admin", json={}) as answer:
            assert answer.status == 404
            assert (await answer.json())["reason"] == "no persona admin"
