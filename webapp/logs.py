"""Server logs without secrets: aiohttp's access line carries the whole request target, and
some callers put a schedule secret, a token or initData in the query string (legacy GETs, the
WebSocket's `token`) or the bot token in the path (the Bot API emulator's /bot<token>/); the
HTTP parser's refusal of a malformed request quotes the start of the request line. Their
values are replaced by `<redacted>` before a line is written. At DEBUG, redis-py writes every
pub/sub message it receives (the live board's appointments, with phone numbers): the message
is left out. (The database libraries' debug lines are kept clean by db.sql_log.)"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

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


class RedactingAccessLogger(AbstractAccessLogger):
    """One line a request: `remote "METHOD target HTTP/x.y" status bytes seconds "agent"`,
    credentials in the target redacted (aiohttp's `log_format` is not used)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = request.version
        self.logger.info(
            '%s "%s %s HTTP/%d.%d" %d %d %.3fs "%s"',
            request.remote or "-",
            request.method,
            redact_target(request.raw_path),
            version.major,
            version.minor,
            response.status,
            response.body_length,
            time,
            request.headers.get("User-Agent", "-"),
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
