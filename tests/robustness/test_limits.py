"""Size limits: a body, a query or an upload that is too big gets a clear JSON 413/400 naming
the limit or the parameter; a request past the HTTP parser's bounds gets a 400, and the
server keeps serving."""

from __future__ import annotations

import io
import json
import logging

import aiohttp
import pytest

from tests.harness.api_callers import Api
from webapp.app import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_REQUEST_LINE_BYTES
from webapp.validation import MAX_QUERY_PARAMS, MAX_QUERY_VALUE

JSON = {"Content-Type": "application/json"}


def _integration(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.settings.integration_token.get_secret_value()}"}


async def _json(response: aiohttp.ClientResponse) -> dict:
    assert response.content_type == "application/json", await response.text()
    return await response.json()


async def test_a_body_over_the_limit_is_a_413_naming_it(api: Api) -> None:
    too_big = json.dumps({"init_data": "x" * (MAX_BODY_BYTES + 1)})

    for path, headers in [
        ("/api/v1/auth/telegram", {}),
        ("/psychologist-form", _integration(api)),
        ("/api/v1/appointments", (await api.client())[1]),
    ]:
        body = io.BytesIO(too_big.encode())
        response = await api.http.post(path, data=body, headers={**JSON, **headers})
        assert response.status == 413, path
        answer = await _json(response)
        assert answer["error"] == "too_large"
        assert answer["field"] == "body"
        assert answer["limit"] == MAX_BODY_BYTES
        assert str(MAX_BODY_BYTES) in answer["reason"]


async def test_a_body_under_the_limit_is_read_and_judged_on_its_content(api: Api) -> None:
    almost = json.dumps({"init_data": "x" * (MAX_BODY_BYTES - 100)})
    response = await api.http.post(
        "/api/v1/auth/telegram", data=io.BytesIO(almost.encode()), headers=JSON
    )
    assert response.status == 400
    assert (await _json(response))["field"] == "init_data"


async def test_hundreds_of_query_parameters_are_a_400(api: Api) -> None:
    many = "&".join(f"p{i}=1" for i in range(300))
    _, client = await api.client()
    for path in ("/api/v1/services", "/get-slot", "/api/v1/slots/available"):
        response = await api.http.get(f"{path}?{many}", headers=client)
        assert response.status == 400, path
        answer = await _json(response)
        assert answer["field"] == "query"
        assert str(MAX_QUERY_PARAMS) in answer["reason"]


async def test_a_10_kb_query_value_is_a_400_naming_the_parameter(api: Api) -> None:
    for path, name, long in [
        ("/get-slot", "psychologist", "Я" * 10_000),
        ("/get-aggregated-schedule-by-psychologist-test-contur", "psychologist", "x" * 10_000),
        ("/api/v1/services", "branch_id", "1" * 10_000),
        ("/api/v1/services", "unknown", "Я" * 10_000),
    ]:
        response = await api.http.get(path, params={name: long})
        assert response.status == 400, path
        answer = await _json(response)
        assert answer["field"] == name
        assert str(MAX_QUERY_VALUE) in answer["reason"]


async def test_past_the_parser_bounds_a_400_and_the_server_keeps_serving(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    line = "a" * (MAX_REQUEST_LINE_BYTES + 10)
    header = "h" * (MAX_HEADER_BYTES + 10)
    for path, headers in [
        (f"/api/v1/services?q={line}", {}),
        ("/api/v1/services", {"X-Junk": header}),
        ("/api/v1/services", {f"X-Junk-{i}": "1" for i in range(200)}),
    ]:
        # the parser refuses and closes the connection: a fresh session each time
        async with aiohttp.ClientSession() as session:
            url = api.http.make_url(path)
            async with session.get(url, headers=headers) as response:
                assert response.status == 400
                assert "Traceback" not in await response.text()
    response = await api.http.get("/api/v1/services")
    assert response.status == 200
    # each refusal is one warning line, not an error with a traceback
    refusals = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert len(refusals) == 3
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in refusals)
    assert all("refused a malformed request" in r.getMessage() for r in refusals)


async def test_an_upload_over_import_max_bytes_is_a_413_naming_the_limit(api: Api) -> None:
    api.settings.import_max_bytes = 1000
    form = aiohttp.FormData()
    form.add_field("file", b"phone,name\n" + b"+79990000001,x\n" * 200, filename="base.csv")
    response = await api.http.post("/api/v1/system/import", data=form, headers=await api.manager())
    assert response.status == 413
    answer = await _json(response)
    assert answer["field"] == "file"
    assert "1000" in answer["reason"]


async def test_an_upload_is_not_bound_by_the_body_limit(api: Api) -> None:
    """The import streams its file: IMPORT_MAX_BYTES (50 MiB by default) rules, not 4 MiB."""
    content = b"phone,name\n+79990000001,Anna\n" + b"\n" * (MAX_BODY_BYTES + 1024)
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO(content), filename="base.csv")
    response = await api.http.post("/api/v1/system/import", data=form, headers=await api.manager())
    answer = await _json(response)
    # the whole file was read and judged on its rows (IMPORT_MAX_ROWS), not refused as a body
    assert response.status == 200, answer
    [problem] = answer["errors"]
    assert problem["row"] == 0
    assert "rows" in problem["reason"]
