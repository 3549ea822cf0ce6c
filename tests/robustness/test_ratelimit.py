"""RATE_LIMIT_PER_MIN: a 429 JSON answer with Retry-After past the limit, per token or per IP,
shared by the instances of one deployment through Redis, in-process without it."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config import load_settings
from db.enums import Actor
from services import Services
from webapp.app import create_app
from webapp.auth import Principal, issue_token
from webapp.keys import SERVICES

LIMIT = 3
OpenApp = Callable[..., AbstractAsyncContextManager[TestClient]]


@pytest.fixture
def limited_app(database: str, tmp_path: Path) -> OpenApp:
    """Opens the real app with a small limit; apps opened with the same `data_dir` share the
    JWT secret, i.e. belong to one deployment."""

    @asynccontextmanager
    async def open_app(
        redis_url: str = "",
        limit: int = LIMIT,
        data_dir: Path = tmp_path / "data",
        trusted_proxies: tuple[str, ...] = (),
    ) -> AsyncIterator[TestClient]:
        settings = load_settings(
            database_url=database,
            redis_url=redis_url,
            data_dir=data_dir,
            rate_limit_per_min=limit,
            trusted_proxies=list(trusted_proxies),
        )
        async with TestClient(
            TestServer(create_app(Services(settings=settings), own_database=False))
        ) as http:
            yield http

    return open_app


def bearer(http: TestClient, telegram_id: int) -> dict[str, str]:
    token = issue_token(http.app[SERVICES].settings, Principal(telegram_id, Actor.CLIENT))
    return {"Authorization": f"Bearer {token}"}


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs REDIS_URL")
    return url


async def assert_refused(http: TestClient, path: str, **kwargs: object) -> None:
    answer = await http.get(path, **kwargs)
    assert answer.status == 429
    retry_after = int(answer.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    body = await answer.json()
    assert body["error"] == "rate_limited"
    assert f"more than {LIMIT} requests a minute" in body["reason"]
    assert body["retry_after"] == retry_after


async def test_a_token_past_the_limit_gets_429_and_others_go_on(limited_app: OpenApp) -> None:
    async with limited_app() as http:
        first, second = bearer(http, 1), bearer(http, 2)
        for _ in range(LIMIT):
            assert (await http.get("/api/v1/services", headers=first)).status == 200
        await assert_refused(http, "/api/v1/services", headers=first)
        # a refused request is still counted: hammering does not shorten the wait
        await assert_refused(http, "/api/v1/appointments/my", headers=first)

        assert (await http.get("/api/v1/services", headers=second)).status == 200


async def test_callers_without_a_token_are_counted_by_address(limited_app: OpenApp) -> None:
    async with limited_app() as http:
        for _ in range(LIMIT):
            assert (await http.get("/api/v1/services")).status == 200
        await assert_refused(http, "/get-slot", params={"psychologist": "Иванова"})
        assert (await http.get("/api/v1/services", headers=bearer(http, 1))).status == 200


async def test_made_up_tokens_are_counted_by_address(limited_app: OpenApp) -> None:
    async with limited_app() as http:
        forged = issue_token(
            load_settings(data_dir=Path("/nonexistent"), jwt_secret="another-deployment" * 4),
            Principal(1, Actor.ADMIN),
        )
        answers = [
            (await http.get("/api/v1/appointments/my", headers=header)).status
            for header in [{"Authorization": f"Bearer made-up-{n}"} for n in range(LIMIT)]
            + [{"Authorization": f"Bearer {forged}"}, {"X-Schedule-Secret": "guess"}]
        ]
        assert answers == [401] * LIMIT + [429, 429]


async def test_behind_a_trusted_proxy_each_forwarded_address_counts_apart(
    limited_app: OpenApp,
) -> None:
    async with limited_app(trusted_proxies=("127.0.0.0/8",)) as http:
        for _ in range(LIMIT):
            answer = await http.get("/api/v1/services", headers={"X-Forwarded-For": "203.0.113.7"})
            assert answer.status == 200
        # what the caller writes before the proxy's own entry does not make them someone else
        spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
        await assert_refused(http, "/api/v1/services", headers=spoofed)
        other = {"X-Forwarded-For": "203.0.113.8"}
        assert (await http.get("/api/v1/services", headers=other)).status == 200


async def test_forwarded_addresses_from_an_untrusted_peer_are_ignored(
    limited_app: OpenApp,
) -> None:
    async with limited_app() as http:
        for n in range(LIMIT):
            headers = {"X-Forwarded-For": f"203.0.113.{n}"}
            assert (await http.get("/api/v1/services", headers=headers)).status == 200
        await assert_refused(http, "/api/v1/services", headers={"X-Forwarded-For": "192.0.2.1"})


async def test_the_health_probe_and_static_files_are_not_limited(limited_app: OpenApp) -> None:
    async with limited_app(limit=1) as http:
        static = next(p for p in Path("webapp/static").rglob("*") if p.is_file())
        url = "/app/static/" + static.relative_to("webapp/static").as_posix()
        for _ in range(5):
            assert (await http.get("/healthz")).status == 200
            assert (await http.get(url)).status == 200
        assert (await http.get("/api/v1/services")).status == 200
        assert (await http.get("/api/v1/services")).status == 429


async def test_zero_turns_the_limit_off(limited_app: OpenApp) -> None:
    async with limited_app(limit=0) as http:
        for _ in range(20):
            assert (await http.get("/api/v1/services")).status == 200


async def test_instances_share_the_count_through_redis(
    limited_app: OpenApp, tmp_path: Path
) -> None:
    url = redis_url()
    async with limited_app(url) as first, limited_app(url) as second:
        caller = bearer(first, 1)
        for http in (first, second, first):
            assert (await http.get("/api/v1/services", headers=caller)).status == 200
        await assert_refused(second, "/api/v1/services", headers=caller)
        # another deployment on the same Redis counts apart
        async with limited_app(url, data_dir=tmp_path / "other") as other:
            caller = bearer(other, 1)
            assert (await other.get("/api/v1/services", headers=caller)).status == 200


async def test_redis_down_falls_back_to_counting_in_process(
    limited_app: OpenApp, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    async with limited_app(f"redis://127.0.0.1:{closed_port}/0") as http:
        caller = bearer(http, 1)
        for _ in range(LIMIT):
            assert (await http.get("/api/v1/services", headers=caller)).status == 200
        await assert_refused(http, "/api/v1/services", headers=caller)
    warnings = [r for r in caplog.records if r.name == "webapp.ratelimit"]
    assert [r.getMessage().split(":")[0] for r in warnings] == [
        "rate limit counts in-process, Redis is unavailable"
    ]
