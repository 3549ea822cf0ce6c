"""The OpenAPI document, generated from the routes and their pydantic models.

A handler declares itself with `@documented(...)`; `GET /api/v1/openapi.json` walks the
router and describes every documented route (legacy and /api/v1 alike).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

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
}


@dataclass(frozen=True)
class RouteDoc:
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    # status -> answer model, or a plain description for answers without a model
    responses: dict[int, type[BaseModel] | str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    secured: bool = False


def documented(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, type[BaseModel] | str] | None = None,
    tags: tuple[str, ...] = (),
    secured: bool = False,
) -> Callable[[F], F]:
    """Attach the OpenAPI description of a route handler."""

    def attach(handler: F) -> F:
        handler.__openapi__ = RouteDoc(  # type: ignore[attr-defined]
            summary, body, query, responses or {200: "OK"}, tags, secured
        )
        return handler

    return attach


def _parameters(query: type[BaseModel] | None, path_params: list[str]) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in path_params
    ]
    schema = query.model_json_schema() if query is not None else {}
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return params


def build_document(app: web.Application, title: str, version: str) -> dict[str, Any]:
    """Describe every documented route of `app` and its sub-apps."""
    operations: list[tuple[str, str, RouteDoc, list[str]]] = []
    models: set[type[BaseModel]] = set()
    for route in app.router.routes():
        doc: RouteDoc | None = getattr(route.handler, "__openapi__", None)
        if doc is None or route.resource is None or route.method == "HEAD":
            continue
        info = route.resource.get_info()
        path = info.get("path") or info.get("formatter") or ""
        path_params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        operations.append((path, route.method.lower(), doc, path_params))
        models.update(m for m in (doc.body,) if m)
        models.update(m for m in doc.responses.values() if isinstance(m, type))

    # Two modules may name a model alike; pydantic then qualifies both, so refs come from it.
    refs, definitions = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA, **definitions.get("$defs", {})}

    paths: dict[str, dict[str, Any]] = {}
    for path, method, doc, path_params in sorted(operations, key=lambda op: (op[0], op[1])):
        slug = "".join(c if c.isalnum() else "_" for c in path.strip("/"))
        operation: dict[str, Any] = {
            "summary": doc.summary,
            "operationId": f"{method}_{slug}",
            "tags": list(doc.tags),
            "responses": {},
        }
        if doc.query is not None or path_params:
            operation["parameters"] = _parameters(doc.query, path_params)
        if doc.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(doc.body, "validation")]}},
            }
        if doc.secured:
            operation["security"] = [{"bearer": []}]
        for status, answer in sorted(doc.responses.items()):
            if isinstance(answer, type):
                operation["responses"][str(status)] = {
                    "description": answer.__doc__ or answer.__name__,
                    "content": {"application/json": {"schema": refs[(answer, "validation")]}},
                }
            elif status >= 400:  # a refusal: the JSON error shape
                operation["responses"][str(status)] = {
                    "description": answer,
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
            else:
                operation["responses"][str(status)] = {"description": answer}
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
