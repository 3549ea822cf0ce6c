"""The mini-app pages under /app: the managers' board (kanban and calendar, import, reports),
the psychologists' schedule editor and the clients' booking calendar.

A sub-app with its own aiohttp_jinja2 environment, so `url()` in templates resolves to its
routes and static files. Pages are shells rendered in the reader's language; their data comes
from /api/v1 in the browser, with the session token the page obtains (see static/js/app.js)."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import hdrs, web

from webapp.api import editor as editor_api
from webapp.api import profile as profile_api
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
    static = pages.router.add_static("/static", STATIC, name="static", append_version=True)

    async def revalidate_unversioned(request: web.Request, response: web.StreamResponse) -> None:
        """A template's url() gives each page's script a `?v=` of its content, but the script
        is an ES module and the modules it imports are asked for without one: a browser must
        check those with the server every time (their ETag, mostly a 304), so that after a
        deploy a new page never runs beside an old module from its cache."""
        if request.match_info.route.resource is static and "v" not in request.query:
            response.headers[hdrs.CACHE_CONTROL] = "no-cache"

    pages.on_response_prepare.append(revalidate_unversioned)
    return pages


def setup(app: web.Application) -> None:
    """Mount the pages at /app, with the editor's and the profile's JSON routes they rely on;
    every answer of `app` gets the security headers (webapp.pages.headers)."""
    headers.setup(app)
    app.add_routes(editor_api.routes)
    app.add_routes(profile_api.routes)
    app.add_subapp("/app", build())
