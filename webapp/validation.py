"""Parsing request bodies and queries into pydantic models. Input is first checked against
the schema the OpenAPI document publishes (webapp.contract), then read by pydantic; bad input
becomes a 400 naming the field (see webapp.errors), never a 500."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel

from webapp.contract import MAX_QUERY_VALUE, check_input, query_types
from webapp.errors import BODY_FIELDS, error_response
from webapp.schema_check import Violation

Model = TypeVar("Model", bound=BaseModel)

# No route takes more than a handful of query parameters, nor a value longer than a list of
# names; more is junk or an attack, refused with a 400 naming the parameter.
MAX_QUERY_PARAMS = 32
_NAME_SHOWN = 64  # a parameter name is echoed in the answer at most this long
# Past 40 digits no integer the API takes (and an exponent could make int() huge).
_MAX_DIGITS = 40
# How clients write numbers in a query (and what fuzzers take for one): no spaces, no `_`.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class BadRequest(web.HTTPBadRequest):
    """A 400 with a JSON body: {"error", "reason", "field"}."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        answer = error_response(400, "invalid", reason, field=field)
        super().__init__(text=answer.text, content_type="application/json")


def _check_unicode(value: object, field: str) -> None:
    """Refuse unpaired UTF-16 surrogates (JSON may escape them; UTF-8 cannot encode them, so
    no database column can hold them). NUL and every other rule on texts is the schema's."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError as exc:
            raise BadRequest("the text is not valid Unicode", field=field or None) from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_unicode(key, field)
            _check_unicode(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_unicode(item, f"{field}.{index}" if field else str(index))


def _no_constant(name: str) -> None:
    # json.loads takes NaN and Infinity, which JSON itself does not have
    raise ValueError(f"{name} is not JSON")


def _as_documented(value: object, model: type[Model], *, query: bool = False) -> Model:
    """`value` as `model`, once it is valid against the schema the document publishes."""
    try:
        check_input(value, model, query=query)
    except Violation as problem:
        raise BadRequest(problem.reason, field=problem.field) from None
    except RecursionError:  # JSON nested deeper than Python's stack, which no model takes
        raise BadRequest("the input is nested too deeply", field="body") from None
    return model.model_validate(value)


async def parse_body(request: web.Request, model: type[Model]) -> Model:
    """The JSON body as `model`; an empty or non-JSON body is a 400."""
    raw = await request.read()
    if not raw.strip():
        raise BadRequest("a JSON body is required", field="body")
    try:
        data = json.loads(raw, parse_constant=_no_constant)
        _check_unicode(data, "")
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}", field="body") from exc
    if isinstance(data, dict):
        request[BODY_FIELDS] = frozenset(data)
    return _as_documented(data, model)


def _read_text(text: str, types: set[str]) -> object:
    """A query value read as the type the document gives it (as a client writes that type:
    a number, `true`/`false` for a boolean); else left as text. An integer may be written as
    any number that is whole ("5", "5.0", "5e0"), as JSON Schema counts it."""
    if "integer" in types and _NUMBER.fullmatch(text):
        exact = Decimal(text)
        if exact.adjusted() < _MAX_DIGITS and exact == exact.to_integral_value():
            return int(exact)
    if "number" in types and _NUMBER.fullmatch(text) and math.isfinite(float(text)):
        return float(text)
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text


def parse_query(request: web.Request, model: type[Model]) -> Model:
    """The query string as `model` (the first value counts for a repeated parameter).

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
    texts = dict(request.query)
    _check_unicode(texts, "")
    types = query_types(model)
    query = {name: _read_text(text, types.get(name, set())) for name, text in texts.items()}
    return _as_documented(query, model, query=True)
