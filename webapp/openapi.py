"""The OpenAPI document, generated from the routes and their pydantic models.

A handler declares itself with `@documented(...)`; `GET /api/v1/openapi.json` walks the
router and describes every documented route (legacy and /api/v1 alike). Schemas come from
webapp.contract, the same schemas the server checks input against: what the document calls
valid is taken, what it calls invalid is refused.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from webapp.contract import RECORD_ID_MAX, ContractSchema, query_form

F = TypeVar("F", bound=Callable[..., Any])

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "reason"],
    "properties": {
        "error": {"type": "string"},
        "reason": {"type": "string"},
        "field": {"type": ["string", "null"]},
    },
    "additionalProperties": True,
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
SECURITY_SCHEMES: dict[str, Any] = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT or integration token"},
    "schedule_secret": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Schedule-Secret",
        "description": "the secret of a psychologist's schedule-editor link",
    },
    "webhook_secret": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Webhook-Secret",
        "description": "WEBHOOK_SECRET (or as a bearer token)",
    },
    "metrics_token": {"type": "http", "scheme": "bearer", "description": "METRICS_TOKEN"},
}
# A numeric path segment (`{id:\d+}`), or one named `id` or `..._id`, is a record id: ids are
# 32-bit in the database, and webapp.api.schemas.path_id refuses others (400 naming it).
_RECORD_ID = {"type": "integer", "minimum": 1, "maximum": RECORD_ID_MAX}
_NUMERIC_SEGMENT = "\\d+)"
# what aiohttp matches for a `{name}` segment without an expression of its own
_DEFAULT_SEGMENT = "[^{}/]+"


@dataclass(frozen=True)
class RouteDoc:
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    # status -> answer model, or a plain description for answers without a model
    responses: dict[int, type[BaseModel] | str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    # the security schemes any one of which opens the route (SECURITY_SCHEMES' names)
    security: tuple[str, ...] = ()
    body_media: str = "application/json"
    # the media type of a success answer described in words (a JSON one has its model)
    answer_media: str | None = None


def documented(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, type[BaseModel] | str] | None = None,
    tags: tuple[str, ...] = (),
    secured: bool | tuple[str, ...] = False,
    body_media: str = "application/json",
    answer_media: str | None = None,
) -> Callable[[F], F]:
    """Attach the OpenAPI description of a route handler. `secured=True` is a bearer token;
    a tuple names the security schemes, any one of which opens the route."""
    security = ("bearer",) if secured is True else tuple(secured or ())

    def attach(handler: F) -> F:
        handler.__openapi__ = RouteDoc(  # type: ignore[attr-defined]
            summary,
            body,
            query,
            responses or {200: "OK"},
            tags,
            security,
            body_media,
            answer_media,
        )
        return handler

    return attach


def _segment_pattern(source: str, name: str) -> str | None:
    """The regular expression a route gives its `{name:...}` segment, if not aiohttp's default
    (anything but a slash)."""
    start = source.find(f"(?P<{name}>")
    if start < 0:
        return None
    body_start = start + len(f"(?P<{name}>")
    depth, index = 0, body_start
    while index < len(source):
        char = source[index]
        if char == "\\":  # an escaped character is no bracket
            index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                body = source[body_start:index]
                return None if body == _DEFAULT_SEGMENT else body
            depth -= 1
        index += 1
    return None


def _path_parameters(route: web.AbstractRoute) -> list[dict[str, Any]]:
    info = route.resource.get_info() if route.resource else {}
    pattern = info.get("pattern")
    source = pattern.pattern if pattern is not None else ""
    names = re.findall(r"\{(\w+)\}", info.get("formatter") or "")
    parameters = []
    for name in names:
        schema: dict[str, Any] = {"type": "string"}
        segment = _segment_pattern(source, name)
        if f"(?P<{name}>{_NUMERIC_SEGMENT}" in source or name == "id" or name.endswith("_id"):
            schema = dict(_RECORD_ID)
        elif segment is not None:
            schema["pattern"] = f"^{segment}$"
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(model_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The query model as parameters: one per field, or, when the fields constrain one another
    (one of two required, one needing another), the whole model as one exploded object."""
    schema = query_form(model_schema)
    plain = {"type", "title", "description", "properties", "required", "additionalProperties"}
    if set(schema) <= plain:
        required = set(schema.get("required", []))
        return [
            {"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()
        ]
    return [
        {
            "name": "query",
            "in": "query",
            "required": True,  # so that its own constraints always apply
            "style": "form",
            "explode": True,
            "schema": schema,
        }
    ]


def _answer(
    status: int, answer: type[BaseModel] | str, refs: dict[Any, Any], media: str | None
) -> dict[str, Any]:
    if isinstance(answer, type):
        return {
            "description": answer.__doc__ or answer.__name__,
            "content": {"application/json": {"schema": refs[(answer, "serialization")]}},
        }
    if status >= 400:  # a refusal: the JSON error shape
        return {"description": answer, "content": {"application/json": {"schema": ERROR_REF}}}
    if media is not None:
        return {"description": answer, "content": {media: {"schema": {"type": "string"}}}}
    return {"description": answer}


def build_document(app: web.Application, title: str, version: str) -> dict[str, Any]:
    """Describe every documented route of `app` and its sub-apps."""
    operations: list[tuple[str, str, RouteDoc, web.AbstractRoute]] = []
    inputs: set[type[BaseModel]] = set()
    outputs: set[type[BaseModel]] = set()
    for route in app.router.routes():
        doc: RouteDoc | None = getattr(route.handler, "__openapi__", None)
        if doc is None or route.resource is None or route.method == "HEAD":
            continue
        info = route.resource.get_info()
        path = info.get("path") or info.get("formatter") or ""
        operations.append((path, route.method.lower(), doc, route))
        inputs.update(m for m in (doc.body, doc.query) if m)
        outputs.update(m for m in doc.responses.values() if isinstance(m, type))

    # Input and answer schemas of one model may differ (pydantic then names them -Input and
    # -Output); two modules may name a model alike (pydantic then qualifies both).
    keyed = [(m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)]
    keyed += [(m, "serialization") for m in sorted(outputs, key=lambda m: m.__name__)]
    refs, definitions = models_json_schema(
        keyed,  # type: ignore[arg-type]
        ref_template="#/components/schemas/{model}",
        schema_generator=ContractSchema,
    )
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA, **definitions.get("$defs", {})}

    paths: dict[str, dict[str, Any]] = {}
    for path, method, doc, route in sorted(operations, key=lambda op: (op[0], op[1])):
        slug = "".join(c if c.isalnum() else "_" for c in path.strip("/"))
        operation: dict[str, Any] = {
            "summary": doc.summary,
            "operationId": f"{method}_{slug}",
            "tags": list(doc.tags),
            "responses": {},
        }
        parameters = _path_parameters(route)
        if doc.query is not None:
            name = refs[(doc.query, "validation")]["$ref"].rsplit("/", 1)[-1]
            parameters += _query_parameters(copy.deepcopy(schemas[name]))
        if parameters:
            operation["parameters"] = parameters
        if doc.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {doc.body_media: {"schema": refs[(doc.body, "validation")]}},
            }
        if doc.security:
            operation["security"] = [{scheme: []} for scheme in doc.security]
        for status, answer in sorted(doc.responses.items()):
            operation["responses"][str(status)] = _answer(status, answer, refs, doc.answer_media)
        operation["responses"].setdefault(
            "4XX",
            {
                "description": "refused: the reason, and the field when input is at fault",
                "content": {"application/json": {"schema": ERROR_REF}},
            },
        )
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
    }


routes = web.RouteTableDef()


@routes.get("/api/v1/openapi.json")
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(build_document(request.app, "Хранители booking API", "1.0.0"))
