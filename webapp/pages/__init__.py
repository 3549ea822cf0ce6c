"""The mini-app pages under /app: the managers' board (kanban and calendar, import, reports),
the psychologists' schedule editor and the clients' booking calendar.

A sub-app with its own aiohttp_jinja2 environment, so `url()` in templates resolves to its
routes and static files. Pages are shells rendered in the reader's language; their data comes
from /api/v1 in the browser, with the session token the page obtains (see static/js/app.js)."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from webapp.api import editor as editor_api
from webapp.pages import headers, views

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def build() -> web.Application:
    """The pages sub-app (mounted at /app)."""
    pages = web.Application()
    aiohttp_jinja2.setup(
        pages,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    pages.add_routes(views.routes)
    pages.router.add_static("/static", STATIC, name="static", append_version=True)
    return pages


def setup(app: web.Application) -> None:
    """Mount the pages at /app, with the editor's JSON routes they rely on; every answer of
    `app` gets the security headers (webapp.pages.headers)."""
    headers.setup(app)
    app.add_routes(editor_api.routes)
    app.add_subapp("/app", build())
