"""The process's log handler (configure_logging) writes lines in batches, in order, a WARNING at
once; the access lines it is handed directly read as the records would: the text and the JSON
format, the request's id, the target redacted."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import sys
import threading
import time
from collections.abc import Iterator

from tests.harness.api_callers import Api
from webapp.logs import TEXT_FORMAT, BatchingStreamHandler, JsonFormatter, TextFormatter

SECRET = "do-not-log-this-secret"
TEXT_ACCESS_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO aiohttp\.access: "
    r'127\.0\.0\.1 "GET (?P<target>\S+) HTTP/1\.1" (?P<status>\d{3}) \d+ \d+\.\d{3}s "[^"]*"$'
)


@contextlib.contextmanager
def alone_on_root(formatter: logging.Formatter) -> Iterator[io.StringIO]:
    """The root logger's one handler, as configure_logging leaves it (pytest's capture
    handlers, attached for the test's run, set aside), at INFO; what it wrote, flushed."""
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, interval_s=60)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        handler.flush()
        root.handlers = handlers
        root.setLevel(level)


async def read_twice(api: Api) -> None:
    """A route that does not cache, and a cached one twice (built, then from the cache)."""
    headers = await api.manager()
    assert (await api.http.get("/get-slot", params={"secret": SECRET})).status == 400
    for _ in range(2):
        answer = await api.http.get("/api/v1/dashboard/board", headers=headers)
        assert answer.status == 200


async def test_access_lines_in_the_text_format(api: Api) -> None:
    with alone_on_root(TextFormatter()) as stream:
        await read_twice(api)

    access = [m for m in map(TEXT_ACCESS_LINE.match, stream.getvalue().splitlines()) if m]
    assert [(m["target"], m["status"]) for m in access] == [
        ("/get-slot?secret=<redacted>", "400"),
        ("/api/v1/dashboard/board", "200"),
        ("/api/v1/dashboard/board", "200"),
    ]
    assert SECRET not in stream.getvalue()


async def test_access_lines_in_the_json_format(api: Api) -> None:
    with alone_on_root(JsonFormatter()) as stream:
        await read_twice(api)

    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [entry for entry in entries if entry["logger"] == "aiohttp.access"]
    assert [(a["target"], a["route"], a["status"]) for a in access] == [
        ("/get-slot?secret=<redacted>", "/get-slot", 400),
        ("/api/v1/dashboard/board", "/api/v1/dashboard/board", 200),
        ("/api/v1/dashboard/board", "/api/v1/dashboard/board", 200),
    ]
    for entry in access:
        assert entry["level"] == "INFO"
        assert entry["method"] == "GET"
        assert len(entry["request_id"]) == 32
        assert isinstance(entry["duration_s"], float)
        assert str(entry["time"]).endswith("+00:00")
        assert entry["target"] in entry["message"]
    assert len({entry["request_id"] for entry in access}) == 3
    assert SECRET not in stream.getvalue()


def test_the_text_format_is_the_standard_formatters() -> None:
    standard = logging.Formatter(TEXT_FORMAT)
    record = logging.LogRecord(
        "a.logger", logging.WARNING, __file__, 1, "%s and %d", ("x", 2), None
    )
    assert TextFormatter().format(record) == standard.format(record)
    try:
        raise ValueError("boom")
    except ValueError:
        failed = logging.LogRecord("a.logger", logging.ERROR, __file__, 1, "failed", (), None)
        failed.exc_info = sys.exc_info()
    assert TextFormatter().format(failed) == standard.format(failed)
    assert "ValueError: boom" in TextFormatter().format(failed)


def test_lines_wait_for_their_batch_a_warning_goes_at_once_and_order_holds() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, interval_s=60)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("test.log_batches")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:

        def write(n: int) -> None:
            for k in range(50):
                logger.info("thread %d line %d", n, k)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert stream.getvalue() == ""  # waiting for the batch

        logger.warning("the last one")
        deadline = time.monotonic() + 10
        while "the last one" not in stream.getvalue():
            assert time.monotonic() < deadline, "a warning was not written at once"
            time.sleep(0.01)
        lines = stream.getvalue().splitlines()
        assert len(lines) == 201
        assert lines[-1] == "the last one"
        for n in range(4):
            mine = [line for line in lines if line.startswith(f"thread {n} ")]
            assert mine == [f"thread {n} line {k}" for k in range(50)]

        logger.info("after")
        handler.flush()
        assert stream.getvalue().splitlines()[-1] == "after"
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
