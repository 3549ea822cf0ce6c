"""One place that turns failures into JSON answers: a 4xx naming the field and the reason for
bad input and refusals, a 503 while a backing service is down, never a traceback."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import Message

from aiohttp import hdrs, web
from aiohttp.http_exceptions import HttpProcessingError
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

import db
from domain.errors import Conflict, DomainError, Forbidden, NotFound
from domain.timerules import TimeFormatError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# A media type as RFC 9110 writes it: type "/" subtype, both tokens.
_MEDIA_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Headers of aiohttp's own refusals that the JSON answer keeps (405 names the allowed methods
# in Allow, as RFC 9110 requires); its body and length are the JSON ones.
_REPLACED_HEADERS = frozenset({hdrs.CONTENT_TYPE, hdrs.CONTENT_LENGTH, hdrs.CONTENT_ENCODING})
# The fields of the JSON body a handler parsed (webapp.validation.parse_body records them).
BODY_FIELDS = web.RequestKey("body_fields", frozenset)
# Redis out of reach: redis-py's own ConnectionError and TimeoutError (not the builtins).
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# What a 503 asks the client to wait before trying again: outages the product rides out
# (a database or Redis restart) last seconds.
RETRY_AFTER_S = 2


# The HTTP answer of each kind of refusal; any other domain refusal is a 400.
_REFUSAL_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
)


def error_response(status: int, error: str, reason: str, **extra: object) -> web.Response:
    return web.json_response({"error": error, "reason": reason, **extra}, status=status)


def refusal_status(refusal: DomainError) -> int:
    return next((status for kind, status in _REFUSAL_STATUS if isinstance(refusal, kind)), 400)


def refusal_body(refusal: DomainError) -> dict[str, object]:
    body: dict[str, object] = {"error": refusal.code, "reason": refusal.message}
    if refusal.field:
        body["field"] = refusal.field
    body.update(
        (name, value.isoformat() if isinstance(value, datetime) else value)
        for name, value in refusal.details.items()
    )
    return body


@contextmanager
def wire_fields(**wire_name_of: str) -> Iterator[None]:
    """Say a refusal's field in the route's own words: the domain names its parameters
    (`names`), a route names the field of its body or query (`psychologist_list`)."""
    try:
        yield
    except DomainError as refusal:
        refusal.field = wire_name_of.get(refusal.field or "", refusal.field)
        raise


def validation_response(exc: ValidationError) -> web.Response:
    problems = [
        {"field": ".".join(str(part) for part in item["loc"]) or None, "reason": item["msg"]}
        for item in exc.errors(include_url=False, include_input=False)
    ]
    first = problems[0] if problems else {"field": None, "reason": "invalid input"}
    return error_response(400, "invalid", first["reason"], field=first["field"], errors=problems)


def unavailable_response() -> web.Response:
    """503 with Retry-After: a backing service is out of reach; the same request will do once
    it is back."""
    answer = error_response(
        503,
        "unavailable",
        "a backing service is unavailable, retry soon",
        retry_after=RETRY_AFTER_S,
    )
    answer.headers["Retry-After"] = str(RETRY_AFTER_S)
    return answer


def backing_service_down(exc: BaseException) -> bool:
    """The database or Redis could not be reached, whatever error that surfaced as."""
    return db.unreachable(exc) or any(
        isinstance(link, REDIS_DOWN) for link in db.exception_chain(exc)
    )


def _parameter(header: str, name: str) -> str:
    message = Message()
    message[hdrs.CONTENT_TYPE] = header
    value = message.get_param(name)
    return value if isinstance(value, str) else ""


def malformed_content_type(request: web.Request) -> str | None:
    """Why the Content-Type of a request with a body cannot be read, if it cannot: a media
    type that is not `type/subtype`, or multipart without the boundary that splits its parts."""
    raw = request.headers.get(hdrs.CONTENT_TYPE)
    if raw is None or not request.body_exists:
        return None
    if not _MEDIA_TYPE.fullmatch(raw.partition(";")[0].strip()):
        return f"Content-Type {raw[:64]!r} is not a media type (type/subtype)"
    if request.content_type.startswith("multipart/") and not _parameter(raw, "boundary"):
        return "a multipart Content-Type needs its boundary parameter"
    return None


def _status(exc: DomainError, request: web.Request) -> int:
    """A 404 says that the record the URL names does not exist. Where the URL names one and the
    missing record is one the body refers to (PATCH /services/{id} with a gone branch_id), the
    request conflicts with what is stored: a 409, so that clients (and contract fuzzers, which
    take a 404 on /services/{id} to mean that service) are not misled."""
    status = refusal_status(exc)
    if status == 404 and request.match_info and exc.field in request.get(BODY_FIELDS, ()):
        return 409
    return status


def _as_json(exc: web.HTTPException, request: web.Request) -> web.Response:
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        # a body past client_max_size (request.read/json/post); aiohttp's text names it
        limit = request.client_max_size
        return error_response(413, "too_large", exc.text or "", field="body", limit=limit)
    answer = error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
    for name, value in exc.headers.items():
        if name not in _REPLACED_HEADERS:
            answer.headers.add(name, value)
    return answer


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if (problem := malformed_content_type(request)) is not None:
        return error_response(400, "invalid", problem, field="Content-Type")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        return _as_json(exc, request)
    except HttpProcessingError as exc:
        # aiohttp's parser refusing what the handler reads of the request (a multipart part's
        # headers, a chunk): the request is malformed
        return error_response(400, "invalid", f"the request cannot be read: {exc.message[:200]}")
    except TimeFormatError as exc:
        # a text that does not read names its field even when it has none (`"field": null`)
        return error_response(refusal_status(exc), exc.code, exc.reason, field=exc.field)
    except DomainError as exc:
        return web.json_response(refusal_body(exc), status=_status(exc, request))
    except ValidationError as exc:
        return validation_response(exc)
    except db.RecordMissing:
        return error_response(404, "not_found", "not found")
    except db.RaceLost:
        # a uniqueness race lost between the check and the write: the data is intact
        return error_response(409, "conflict", "the record changed meanwhile, retry")
    except (*db.DatabaseDown, ConnectionError, OSError, *REDIS_DOWN) as exc:
        log.warning("backing service unavailable on %s %s: %s", request.method, request.path, exc)
        return unavailable_response()
    except Exception as exc:
        if backing_service_down(exc):
            log.warning(
                "backing service unavailable on %s %s: %s: %s",
                request.method,
                request.path,
                type(exc).__name__,
                exc,
            )
            return unavailable_response()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal", "internal error")
