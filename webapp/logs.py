"""Server logs without secrets: aiohttp's access line carries the whole request target, and
some callers put a schedule secret, a token or initData in the query string (legacy GETs, the
WebSocket's `token`) or the bot token in the path (the Bot API emulator's /bot<token>/); the
HTTP parser's refusal of a malformed request quotes the start of the request line. Their
values are replaced by `<redacted>` before a line is written. At DEBUG, redis-py writes every
pub/sub message it receives (the live board's appointments, with phone numbers): the message
is left out. (The database libraries' debug lines are kept clean by db.sql_log.)

With LOG_FORMAT=json every record is one JSON object a line (`JsonFormatter`): time, level,
logger, message, the request id of the request it was written in, the exception's traceback,
and, on access lines, the method, the redacted target, the route's template, the status and
the duration. Each request has an id: the proxy's `X-Request-Id` when it is a plain token, a
new one otherwise; the answer carries it back in `X-Request-Id`."""

from __future__ import annotations

import contextvars
import functools
import itertools
import logging
import re
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from time import time as clock
from typing import Literal, TextIO, TypeGuard
from urllib.parse import unquote_plus

import orjson
from aiohttp import hdrs, web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.http_exceptions import HttpProcessingError

REDACTED = "<redacted>"
# a parameter whose name contains one of these carries a credential or personal data
SENSITIVE_NAMES = (
    "secret",
    "token",
    "init",
    "webappdata",
    "hash",
    "phone",
    "password",
    "key",
    "auth",
    "signature",
)
_PUSH_PREFIX = "Push response: "
_BOT_PATH = re.compile(r"^(/file)?/bot[^/]+(?=/)")
_BOT_PATH_IN_TEXT = re.compile(r"/bot[^/\s'\"]+/")
_PARAMETER_IN_TEXT = re.compile(r"([?&;])([^=&;?\s'\"]+)=([^&;\s'\"]*)")
# A request id a proxy hands us is taken only when it cannot forge a log line or a field.
_GIVEN_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-Id"
REQUEST_ID = web.RequestKey("request_id", str)
UNMATCHED = "unmatched"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# How long a line may wait to be written with the lines after it
FLUSH_S = 0.05

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


def _is_sensitive(name: str) -> bool:
    lowered = unquote_plus(name).lower().replace("_", "").replace("-", "")
    return any(word in lowered for word in SENSITIVE_NAMES)


def redact_target(path_qs: str) -> str:
    """The request target (path and query) with credential values replaced."""
    path, mark, query = path_qs.partition("?")
    path = _BOT_PATH.sub(rf"\1/bot{REDACTED}", path)
    if not mark:
        return path
    pairs = []
    for pair in re.split(r"([&;])", query):
        name, equals, _ = pair.partition("=")
        pairs.append(f"{name}={REDACTED}" if equals and _is_sensitive(name) else pair)
    return f"{path}?{''.join(pairs)}"


def redact_text(text: str) -> str:
    """Free text that may quote a request target (an error message), credentials redacted."""
    text = _BOT_PATH_IN_TEXT.sub(f"/bot{REDACTED}/", text)
    return _PARAMETER_IN_TEXT.sub(
        lambda m: f"{m[1]}{m[2]}={REDACTED}" if _is_sensitive(m[2]) else m[0], text
    )


class MalformedRequestFilter(logging.Filter):
    """aiohttp logs a request its parser refuses (too long a line, a bad header) at ERROR with
    a traceback quoting the request line: make it one WARNING line, credentials redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg = "refused a malformed request from %s: %s: %s"
            args = record.args if isinstance(record.args, tuple) else ()
            remote = args[0] if args else "an unknown address"
            record.args = (remote, type(exc).__name__, redact_text(str(exc.message)))
            record.exc_info = None
            record.exc_text = None
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        return True


class PushMessageFilter(logging.Filter):
    """redis-py's `push_response` logger writes "Push response: <the message>" at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(_PUSH_PREFIX):
            record.msg = f"{_PUSH_PREFIX}<{len(record.msg) - len(_PUSH_PREFIX)} characters hidden>"
            record.args = ()
        return True


_FILTERS: dict[str, type[logging.Filter]] = {
    "aiohttp.server": MalformedRequestFilter,
    "push_response": PushMessageFilter,
}


def setup_log_redaction() -> None:
    """Attach the filters to aiohttp's server logger and redis-py's (once per process)."""
    for name, kind in _FILTERS.items():
        logger = logging.getLogger(name)
        if not any(isinstance(existing, kind) for existing in logger.filters):
            logger.addFilter(kind())


def route_of(request: web.BaseRequest) -> str:
    """The template of the route that answered (`/api/v1/slots/{id}/hold`): the raw path
    would make a label or a field of every id."""
    match_info = getattr(request, "match_info", None)
    resource = match_info.route.resource if match_info is not None else None
    return resource.canonical if resource is not None else UNMATCHED


# A request id this process makes: its random half, then a count (unique as uuid4's are, for a
# fraction of the cost: os.urandom is a system call).
_PROCESS_ID_HALF = secrets.token_hex(8)
_made_ids = itertools.count()


def new_request_id() -> str:
    """32 hex digits, never given to another request of any process."""
    return f"{_PROCESS_ID_HALF}{next(_made_ids):016x}"


@web.middleware
async def request_id_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Name the request (every line logged while it runs carries the name) and answer it."""
    given = request.headers.get(REQUEST_ID_HEADER)
    request_id = given if given and _GIVEN_REQUEST_ID.match(given) else new_request_id()
    request[REQUEST_ID] = request_id
    token = _request_id.set(request_id)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers[REQUEST_ID_HEADER] = request_id
        raise
    finally:
        _request_id.reset(token)
    if not response.prepared:  # a WebSocket's headers are gone already
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


@functools.lru_cache(maxsize=1024)
def _redacted_target(raw_path: str) -> str:
    # the hot targets repeat: each is redacted once
    return redact_target(raw_path)


class RedactingAccessLogger(AbstractAccessLogger):
    """One line a request: `remote "METHOD target HTTP/x.y" status bytes seconds "agent"`,
    credentials in the target redacted (aiohttp's `log_format` is not used). The same facts
    ride on the record as fields, for the JSON format.

    When the process's own handler (configure_logging) is all that would see the record, the
    line is made by its formatter from the facts and handed to it directly: what the record
    would be written as, for a fraction of the cost of making and routing it."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = request.version
        method, status, length = request.method, response.status, response.body_length
        target = _redacted_target(request.raw_path)
        agent = request.headers.get(hdrs.USER_AGENT, "-")
        remote = request.remote
        message = (
            f'{remote or "-"} "{method} {target} HTTP/{version.major}.{version.minor}" '
            f'{status} {length} {time:.3f}s "{agent}"'
        )
        handler = self._sole_handler()
        formatter = handler.line_formatter if handler is not None else None
        fields: dict[str, object] = {}
        if formatter is None or formatter.writes_fields:
            fields = {
                "request_id": request.get(REQUEST_ID),
                "method": method,
                "target": target,
                "route": route_of(request),
                "status": status,
                "duration_s": round(time, 6),
                "bytes": length,
                "remote": remote,
                "agent": agent,
            }
        if handler is None or formatter is None:
            self.logger.info(message, extra=fields)
        else:
            line = formatter.line(clock(), "INFO", self.logger.name, message, fields)
            handler.add(line, urgent=False)

    def _sole_handler(self) -> BatchingStreamHandler | None:
        """The process's handler, when it alone would take this logger's INFO records and
        no filter would look at them first; None otherwise (tests capture records)."""
        found = None
        logger: logging.Logger | None = self.logger
        while logger is not None:
            if logger.filters or logger.disabled:
                return None
            for handler in logger.handlers:
                if found is not None or not _writes_lines(handler):
                    return None
                found = handler
            logger = logger.parent if logger.propagate else None
        return found

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def _writes_lines(handler: logging.Handler) -> TypeGuard[BatchingStreamHandler]:
    return (
        isinstance(handler, BatchingStreamHandler)
        and not handler.filters
        and handler.level <= logging.INFO
    )


# what every LogRecord has; anything else on a record came in `extra=` and is a field
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}


class LineFormatter(logging.Formatter):
    """A formatter that also writes a line from its facts, with no record (`line`)."""

    writes_fields = True  # a line shows the `extra=` fields

    def line(
        self, created: float, level: str, logger: str, message: str, fields: dict[str, object]
    ) -> str:
        """The line of a record made at `created` (time.time()), with `fields` as `extra`
        and no exception."""
        raise NotImplementedError


class JsonFormatter(LineFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request id
    of the request the line was written in, `extra=` fields, and `exception` (the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            name: value for name, value in vars(record).items() if name not in _RECORD_ATTRIBUTES
        }
        entry = _entry(record.created, record.levelname, record.name, record.getMessage(), fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()

    def line(
        self, created: float, level: str, logger: str, message: str, fields: dict[str, object]
    ) -> str:
        return orjson.dumps(_entry(created, level, logger, message, fields), default=str).decode()


def _entry(
    created: float, level: str, logger: str, message: str, fields: dict[str, object]
) -> dict[str, object]:
    entry: dict[str, object] = {
        "time": datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds"),
        "level": level,
        "logger": logger,
        "message": message,
    }
    request_id = _request_id.get()
    if request_id is not None:
        entry["request_id"] = request_id
    entry.update((name, value) for name, value in fields.items() if value is not None)
    return entry


class TextFormatter(LineFormatter):
    """TEXT_FORMAT, with the time of day formatted once a second rather than once a line."""

    writes_fields = False

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)
        self._second: tuple[int, str] = (-1, "")

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text or record.stack_info:
            return super().format(record)
        record.message = record.getMessage()
        return self.line(record.created, record.levelname, record.name, record.message, {})

    def line(
        self, created: float, level: str, logger: str, message: str, fields: dict[str, object]
    ) -> str:
        return f"{self._time_of_day(created)} {level} {logger}: {message}"

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return self._time_of_day(record.created)

    def _time_of_day(self, created: float) -> str:
        """As logging.Formatter writes it: `2024-05-01 12:00:00,123` (local time)."""
        second, written = self._second
        if int(created) != second:
            written = time.strftime(self.default_time_format, self.converter(created))
            self._second = (int(created), written)
        return f"{written},{int((created - int(created)) * 1000):03d}"  # default_msec_format


class BatchingStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Lines to a stream, written by a thread of their own, together: whatever was logged in
    the last FLUSH_S in one write. Logging never waits for the stream (a pipe to a slow log
    collector stalls the writer, never the event loop), and a busy server makes one write a
    batch, not one a line. A WARNING or worse is written at once; `flush` (and so
    logging.shutdown, at exit) writes what is pending."""

    def __init__(self, stream: TextIO, interval_s: float = FLUSH_S) -> None:
        super().__init__(stream)
        self._interval_s = interval_s
        self._pending: list[str] = []
        self._written = threading.Lock()  # one batch at a time, in order
        self._urgent = threading.Event()
        self._writer: threading.Thread | None = None

    @property
    def line_formatter(self) -> LineFormatter | None:
        """The formatter, when it writes lines from their facts too."""
        return self.formatter if isinstance(self.formatter, LineFormatter) else None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.add(line, urgent=record.levelno >= logging.WARNING)

    def add(self, line: str, *, urgent: bool) -> None:
        """Write `line` with the next batch (at once when `urgent`)."""
        with self.lock:  # type: ignore[union-attr]
            self._pending.append(line)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_batches, daemon=True)
                self._writer.start()
        if urgent:
            self._urgent.set()

    def _write_batches(self) -> None:
        # Woken by the clock, not by each batch's first line: waking a thread costs the
        # thread that logs more than the look at an empty list costs this one.
        while True:
            self._urgent.wait(self._interval_s)
            self._urgent.clear()
            self.flush()

    def flush(self) -> None:
        # The handler's lock, then the writer's (as logging.shutdown takes them): batches are
        # written in the order they were taken, and no line waits for a write to be logged.
        with self.lock:  # type: ignore[union-attr]
            lines, self._pending = self._pending, []
            self._written.acquire()
        try:
            if lines:
                self.stream.write(self.terminator.join(lines) + self.terminator)
                self.stream.flush()
        except Exception:  # the stream is gone (closed at exit): nowhere left to say so
            pass
        finally:
            self._written.release()


def configure_logging(level: str, log_format: Literal["text", "json"]) -> None:
    """The process's logging: to stderr, one line a record as LOG_FORMAT says, written in
    batches; the redaction filters attached."""
    handler = BatchingStreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logging.basicConfig(level=level.upper(), handlers=[handler])
    setup_log_redaction()
