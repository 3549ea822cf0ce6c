"""The web app's common behaviour: health, and JSON errors for anything that goes wrong."""

from __future__ import annotations

import os

from aiohttp.test_utils import TestClient


async def test_healthz_reports_database_redis_and_bot(web_client: TestClient) -> None:
    answer = await web_client.get("/healthz")
    assert answer.status == 200
    body = await answer.json()
    assert body["database"] == "ok"
    assert body["redis"] == ("ok" if os.environ.get("REDIS_URL") else "off")
    assert body["bot"] == "sandbox"


async def test_unknown_route_is_a_json_404(web_client: TestClient) -> None:
    answer = await web_client.get("/no-such-page")
    assert answer.status == 404
    assert (await answer.json())["error"] == "not_found"


async def test_wrong_method_is_a_json_405(web_client: TestClient) -> None:
    answer = await web_client.post("/healthz")
    assert answer.status == 405
    assert (await answer.json())["reason"] == "Method Not Allowed"


async def test_openapi_document_describes_the_routes(web_client: TestClient) -> None:
    answer = await web_client.get("/api/v1/openapi.json")
    assert answer.status == 200
    document = await answer.json()
    assert document["openapi"].startswith("3.")
    health = document["paths"]["/healthz"]["get"]
    assert health["tags"] == ["system"]
    assert set(health["responses"]) >= {"200", "503", "4XX"}
    assert "Error" in document["components"]["schemas"]
