"""A read the read cache answers again before the route runs (webapp/hot_reads.py) answers what
the route would: the same JSON, gzip-compressed when the client takes gzip and plain when it
does not; a 401 once the token has expired or the person lost the role; counted by the rate
limit, named (X-Request-Id) and counted in the metrics like any other request."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDictProxy

from config import load_settings
from db.enums import Actor
from db.models import Manager, Psychologist
from domain.changes import data_changed
from domain.timerules import MSK, utcnow
from services import Services
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot
from webapp.app import create_app
from webapp.auth import Principal, issue_token, read_token
from webapp.hot_reads import takes_gzip

BOARD = "/api/v1/dashboard/board"
TEXTS = "/get-aggregated-schedule-by-psychologist-test-contur"


async def cached_paths(api: Api) -> list[str]:
    """The cached routes, with a slot to show."""
    slot = await future_slot()
    psychologist = await Psychologist.get(id=slot.psychologist_id)
    day = slot.starts_at.astimezone(MSK).date().isoformat()
    return [
        f"/api/v1/slots/available?psychologist_id={psychologist.id}",
        f"/api/v1/slots/available?date_from={day}&date_to={day}",
        f"{TEXTS}?psychologist={psychologist.name}",
        BOARD,
    ]


async def raw_get(
    api: Api, path: str, headers: dict[str, str]
) -> tuple[int, CIMultiDictProxy[str], bytes]:
    """The answer as sent: nothing decompressed, no Accept-Encoding but the one given."""
    async with (
        aiohttp.ClientSession(auto_decompress=False) as http,
        http.get(
            api.http.make_url(path), headers=headers, skip_auto_headers=["Accept-Encoding"]
        ) as answer,
    ):
        return answer.status, answer.headers, await answer.read()


async def test_a_client_that_takes_gzip_gets_the_json_compressed(api: Api) -> None:
    manager = await api.manager()
    for path in await cached_paths(api):
        status, _, plain = await raw_get(api, path, manager)
        assert status == 200, plain
        # built for the first, answered before the route runs for the next
        for _ in range(3):
            status, headers, body = await raw_get(
                api, path, {**manager, "Accept-Encoding": "gzip, deflate, br"}
            )
            assert status == 200
            assert headers["Content-Encoding"] == "gzip"
            assert headers["Vary"] == "Accept-Encoding"
            assert headers["Content-Type"] == "application/json; charset=utf-8"
            assert json.loads(gzip.decompress(body)) == json.loads(plain)
            assert len(body) == int(headers["Content-Length"])


@pytest.mark.parametrize("accept_encoding", [None, "identity", "gzip;q=0, deflate", "br"])
async def test_a_client_that_does_not_take_gzip_gets_the_json_plain(
    api: Api, accept_encoding: str | None
) -> None:
    manager = await api.manager()
    headers = (
        manager if accept_encoding is None else {**manager, "Accept-Encoding": accept_encoding}
    )
    for path in await cached_paths(api):
        answers = [await raw_get(api, path, headers) for _ in range(3)]
        for status, answer_headers, body in answers:
            assert status == 200
            assert "Content-Encoding" not in answer_headers
            assert answer_headers["Vary"] == "Accept-Encoding"
            assert json.loads(body) == json.loads(answers[0][2])


@pytest.mark.parametrize(
    ("accept_encoding", "takes"),
    [
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("deflate, x-gzip", True),
        ("*", True),
        ("br;q=1, *;q=0.1", True),
        ("", False),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("*;q=0", False),
        ("*, gzip;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_what_takes_gzip(accept_encoding: str, takes: bool) -> None:
    assert takes_gzip(accept_encoding) is takes


async def test_a_token_that_runs_out_is_refused_though_its_answer_is_cached(api: Api) -> None:
    await api.manager(7001)
    ttl = timedelta(seconds=api.settings.jwt_ttl_s)
    almost_over = issue_token(
        api.settings, Principal(7001, Actor.MANAGER), now=utcnow() - ttl + timedelta(seconds=1)
    )
    headers = {"Authorization": f"Bearer {almost_over}"}
    for _ in range(2):
        assert (await api.http.get(BOARD, headers=headers)).status == 200

    expires_at = read_token(api.settings, almost_over).expires_at
    while time.time() <= expires_at:
        await asyncio.sleep(0.1)
    refused = await api.http.get(BOARD, headers=headers)
    assert refused.status == 401
    assert "expired" in (await refused.json())["reason"]


async def test_a_deactivated_manager_is_refused_though_their_answer_is_cached(api: Api) -> None:
    headers = await api.manager(7001)
    for _ in range(2):
        assert (await api.http.get(BOARD, headers=headers)).status == 200

    await Manager.filter(telegram_id=7001).update(is_active=False)
    await data_changed("staff.changed")

    refused = await api.http.get(BOARD, headers=headers)
    assert refused.status == 401
    assert "access has changed" in (await refused.json())["reason"]


async def test_a_read_with_a_malformed_body_type_is_refused_though_cached(api: Api) -> None:
    headers = await api.manager()
    for _ in range(2):
        assert (await api.http.get(BOARD, headers=headers)).status == 200
    refused = await api.http.get(
        BOARD, headers={**headers, "Content-Type": "nonsense"}, data=b"{}"
    )
    assert refused.status == 400
    assert (await refused.json())["field"] == "Content-Type"


def metric(text: str, series: str) -> float:
    (line,) = [line for line in text.splitlines() if line.startswith(series + " ")]
    return float(line.rsplit(" ", 1)[1])


async def test_a_cached_answer_is_named_and_counted(api: Api) -> None:
    headers = await api.manager()
    for n in range(3):
        answer = await api.http.get(BOARD, headers={**headers, "X-Request-Id": f"board-{n}"})
        assert answer.status == 200
        assert answer.headers["X-Request-Id"] == f"board-{n}"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    made_up = (await api.http.get(BOARD, headers=headers)).headers["X-Request-Id"]
    assert len(made_up) == 32

    text = await (await api.http.get("/metrics")).text()
    requests = 'hraniteli_http_request_duration_seconds_count{method="GET",'
    assert metric(text, requests + 'route="/api/v1/dashboard/board",status="200"}') == 4
    hits = metric(text, 'hraniteli_read_cache_total{result="hit"}')
    assert hits + metric(text, 'hraniteli_read_cache_total{result="miss"}') == 4
    if not api.settings.redis_url:  # with Redis, other processes' changes may come between
        assert hits == 3


async def test_cached_reads_count_against_the_rate_limit(database: str, tmp_path: Path) -> None:
    settings = load_settings(database_url=database, data_dir=tmp_path, rate_limit_per_min=3)
    app = create_app(Services(settings=settings), own_database=False)
    psychologist = await Psychologist.get(id=(await future_slot()).psychologist_id)
    async with TestClient(TestServer(app)) as http:
        answers: list[Any] = [
            await http.get(TEXTS, params={"psychologist": psychologist.name}) for _ in range(4)
        ]
        assert [answer.status for answer in answers] == [200, 200, 200, 429]
        assert (await answers[-1].json())["error"] == "rate_limited"
