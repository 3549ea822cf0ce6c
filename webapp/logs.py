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
import logging
import re
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import unquote_plus

import orjson
from aiohttp import web
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


@web.middleware
async def request_id_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Name the request (every line logged while it runs carries the name) and answer it."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = given if _GIVEN_REQUEST_ID.match(given) else uuid.uuid4().hex
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


class RedactingAccessLogger(AbstractAccessLogger):
    """One line a request: `remote "METHOD target HTTP/x.y" status bytes seconds "agent"`,
    credentials in the target redacted (aiohttp's `log_format` is not used). The same facts
    ride on the record as fields, for the JSON format."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = request.version
        target = redact_target(request.raw_path)
        agent = request.headers.get("User-Agent", "-")
        self.logger.info(
            '%s "%s %s HTTP/%d.%d" %d %d %.3fs "%s"',
            request.remote or "-",
            request.method,
            target,
            version.major,
            version.minor,
            response.status,
            response.body_length,
            time,
            agent,
            extra={
                "request_id": request.get(REQUEST_ID),
                "method": request.method,
                "target": target,
                "route": route_of(request),
                "status": response.status,
                "duration_s": round(time, 6),
                "bytes": response.body_length,
                "remote": request.remote,
                "agent": agent,
            },
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


# what every LogRecord has; anything else on a record came in `extra=` and is a field
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request id
    of the request the line was written in, `extra=` fields, and `exception` (the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id.get()
        if request_id is not None:
            entry["request_id"] = request_id
        entry.update(
            (name, value)
            for name, value in vars(record).items()
            if name not in _RECORD_ATTRIBUTES and value is not None
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str, log_format: Literal["text", "json"]) -> None:
    """The process's logging: to stderr, one line a record as LOG_FORMAT says; the redaction
    filters attached."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=level.upper(), handlers=[handler])
    setup_log_redaction()
