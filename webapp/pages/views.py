"""Page routes: each renders a shell in the reader's language; the page script does the rest."""

from __future__ import annotations

from functools import partial
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from babel import negotiate_locale

from domain.booking import choices
from domain.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from webapp.pages.texts import SCRIPT_TEXTS

routes = web.RouteTableDef()
LANGUAGE_COOKIE = "lang"


def accepted_language(header: str) -> str:
    """The supported language a browser's Accept-Language prefers most: its tags by q-value
    (a missing q is 1; the header's order breaks ties), the first one we speak, by its
    language when the region is not ours ("en-US" -> "en"); Russian when none is, or when the
    header cannot be read."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, parameters = part.strip().partition(";")
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if tag.strip() and 0 < quality <= 1:
            weighted.append((-quality, position, tag.strip().lower()))
    preferred = [tag for _, _, tag in sorted(weighted)]
    return negotiate_locale(preferred, LANGUAGES, sep="-") or DEFAULT_LANGUAGE


def page_language(request: web.Request) -> str:
    """The `lang` query parameter (the toggle), then the cookie, then the browser's languages
    (inside Telegram the page script asks again with the Telegram user's language)."""
    for chosen in (request.query.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return accepted_language(request.headers.get("Accept-Language", ""))


def _render(request: web.Request, template: str, section: str, **extra: Any) -> web.Response:
    """The page in the reader's language, with the texts its script shows (and `extra`)."""
    language = page_language(request)
    context: dict[str, Any] = {
        "section": section,
        "lang": language,
        "_": partial(translate, language),
        "script_texts": {key: translate(language, text) for key, text in SCRIPT_TEXTS.items()},
        **extra,
    }
    return aiohttp_jinja2.render_template(template, request, context)


@routes.get("/board", name="board")
async def board_page(request: web.Request) -> web.Response:
    return _render(request, "board.html", "board")


@routes.get("/import", name="import_clients")
async def import_page(request: web.Request) -> web.Response:
    return _render(request, "import.html", "board")


@routes.get("/reports", name="reports")
async def reports_page(request: web.Request) -> web.Response:
    return _render(request, "reports.html", "board")


@routes.get("/editor", name="editor")
async def editor_page(request: web.Request) -> web.Response:
    return _render(request, "editor.html", "editor")


@routes.get("/book", name="book")
async def book_page(request: web.Request) -> web.Response:
    return _render(request, "book.html", "book")


@routes.get("/profile", name="profile")
async def profile_page(request: web.Request) -> web.Response:
    # The requests clients choose from in the bot, offered beside the psychologist's own
    return _render(request, "profile.html", "editor", known_queries=await choices.known_queries())
