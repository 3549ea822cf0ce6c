"""Parsing request bodies and queries into pydantic models; bad input becomes a 400 naming the
field (see webapp.errors), never a 500."""

from __future__ import annotations

import json
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel

from webapp.errors import error_response

Model = TypeVar("Model", bound=BaseModel)

# No route takes more than a handful of query parameters, nor a value longer than a list of
# names; more is junk or an attack, refused with a 400 naming the parameter.
MAX_QUERY_PARAMS = 32
MAX_QUERY_VALUE = 1000
_NAME_SHOWN = 64  # a parameter name is echoed in the answer at most this long


class BadRequest(web.HTTPBadRequest):
    """A 400 with a JSON body: {"error", "reason", "field"}."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        answer = error_response(400, "invalid", reason, field=field)
        super().__init__(text=answer.text, content_type="application/json")


def _check_texts(value: object, field: str) -> None:
    """Refuse text no database column can hold: NUL characters (PostgreSQL refuses them) and
    unpaired UTF-16 surrogates (JSON may escape them; UTF-8 cannot encode them)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BadRequest("the text contains a NUL character", field=field or None)
        try:
            value.encode()
        except UnicodeEncodeError as exc:
            raise BadRequest("the text is not valid Unicode", field=field or None) from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_texts(key, field)
            _check_texts(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_texts(item, f"{field}.{index}" if field else str(index))


async def parse_body(request: web.Request, model: type[Model]) -> Model:
    """The JSON body as `model`; an empty or non-JSON body is a 400."""
    raw = await request.read()
    if not raw.strip():
        raise BadRequest("a JSON body is required", field="body")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}", field="body") from exc
    _check_texts(data, "")
    return model.model_validate(data)


def parse_query(request: web.Request, model: type[Model]) -> Model:
    """The query string as `model` (the last value wins for a repeated parameter).

    More than MAX_QUERY_PARAMS parameters, or a name or value over MAX_QUERY_VALUE characters,
    is a 400 naming the parameter."""
    if len(request.query) > MAX_QUERY_PARAMS:
        raise BadRequest(
            f"too many query parameters: {len(request.query)}, at most {MAX_QUERY_PARAMS}",
            field="query",
        )
    for name, value in request.query.items():
        if len(name) > MAX_QUERY_VALUE or len(value) > MAX_QUERY_VALUE:
            raise BadRequest(
                f"the query parameter is longer than {MAX_QUERY_VALUE} characters",
                field=name[:_NAME_SHOWN],
            )
    query = dict(request.query)
    _check_texts(query, "")
    return model.model_validate(query)
