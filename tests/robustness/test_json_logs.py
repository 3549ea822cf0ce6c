"""LOG_FORMAT=json: one JSON object a line, access lines with the request's id, route, status
and duration, exceptions as a field, secrets still redacted; text stays the default."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.api_callers import Api
from tests.harness.processes import ROOT, bare_env
from webapp.logs import JsonFormatter

SECRET = "do-not-log-this-secret"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the process writes at INFO, through the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def entries(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_an_access_line_is_one_json_object_with_the_request(
    api: Api, json_lines: io.StringIO
) -> None:
    answer = await api.http.get(
        f"/api/v1/slots/1/hold?token={SECRET}", headers={"X-Request-Id": "proxy-req-42"}
    )
    assert answer.status == 405  # the path is a route's, the method is not
    assert answer.headers["X-Request-Id"] == "proxy-req-42"
    forged = await api.http.get("/healthz", headers={"X-Request-Id": 'x" "level": "fake'})
    assert forged.status == 200
    made_up = forged.headers["X-Request-Id"]
    assert len(made_up) == 32

    text = json_lines.getvalue()
    assert SECRET not in text
    access = [entry for entry in entries(json_lines) if entry["logger"] == "aiohttp.access"]
    assert len(access) == 2
    first, second = access
    assert first["level"] == "INFO"
    assert first["request_id"] == "proxy-req-42"
    assert first["target"] == "/api/v1/slots/1/hold?token=<redacted>"
    assert first["method"] == "GET"
    assert first["status"] == 405
    assert first["route"] == "unmatched"
    assert isinstance(first["duration_s"], float)
    assert "<redacted>" in str(first["message"])
    assert str(first["time"]).endswith("+00:00")
    assert (second["request_id"], second["route"], second["status"]) == (
        made_up,
        "/healthz",
        200,
    )


async def test_an_error_line_carries_its_exception(json_lines: io.StringIO) -> None:
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logging.getLogger("webapp.errors").exception("unexpected error in %s", "a handler")

    (entry,) = entries(json_lines)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "webapp.errors"
    assert entry["message"] == "unexpected error in a handler"
    assert "Traceback" in str(entry["exception"])
    assert "RuntimeError: the database went away" in str(entry["exception"])


@pytest.mark.parametrize("log_format", ["json", None])
def test_main_writes_the_log_format_it_is_given(tmp_path: Path, log_format: str | None) -> None:
    extra = {"LOG_FORMAT": log_format} if log_format else {}
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "migrate"],
        cwd=tmp_path,
        env=bare_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = done.stderr.splitlines()
    assert any("database is up to date" in line for line in lines)
    if log_format == "json":
        parsed = [json.loads(line) for line in lines]
        assert {"time", "level", "logger", "message"} <= set(parsed[-1])
        assert parsed[-1]["logger"] == "main"
    else:  # the default: readable text
        assert " INFO main: database is up to date" in lines[-1]
