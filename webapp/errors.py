"""One place that turns failures into JSON answers: a 4xx naming the field and the reason for
bad input and refusals, a 503 while a backing service is down, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tortoise.exceptions import (
    DBConnectionError,
    DoesNotExist,
    IntegrityError,
    OperationalError,
)

import db
from domain.errors import DomainError
from domain.timerules import TimeFormatError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Redis out of reach: redis-py's own ConnectionError and TimeoutError (not the builtins).
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# What a 503 asks the client to wait before trying again: outages the product rides out
# (a database or Redis restart) last seconds.
RETRY_AFTER_S = 2


def error_response(status: int, error: str, reason: str, **extra: object) -> web.Response:
    return web.json_response({"error": error, "reason": reason, **extra}, status=status)


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


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        if isinstance(exc, web.HTTPRequestEntityTooLarge):
            # a body past client_max_size (request.read/json/post); aiohttp's text names it
            limit = request.client_max_size
            return error_response(413, "too_large", exc.text or "", field="body", limit=limit)
        return error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)
    except DomainError as exc:
        return web.json_response(exc.as_dict(), status=exc.status)
    except TimeFormatError as exc:
        return error_response(400, "invalid", exc.reason, field=exc.field)
    except ValidationError as exc:
        return validation_response(exc)
    except DoesNotExist:
        return error_response(404, "not_found", "not found")
    except IntegrityError:
        # a uniqueness race lost between the check and the write: the data is intact
        return error_response(409, "conflict", "the record changed meanwhile, retry")
    except (DBConnectionError, OperationalError, ConnectionError, OSError, *REDIS_DOWN) as exc:
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
