"""Another site cannot drive the /sandbox chat from a visitor's browser: its calls that act as
a user take a JSON body from the page's own origin only, and the page runs only its own
script. Real HTTP over loopback, and a real "other site" in Chromium."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.sync_api import Page

from sandbox import SANDBOX_TOKEN, BotApiEmulator
from sandbox.chat import setup_sandbox_chat
from tests.harness.browser import BrowserPage, ServeApp

ANNA = 5001
PUBLIC_URL = "https://sandbox.example"


@dataclass
class ChatPage:
    """The sandbox chat page served on loopback, and the emulator behind it."""

    emulator: BotApiEmulator
    server: TestServer

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    @property
    def origin(self) -> str:
        return self.url("/").rstrip("/")

    def users_said(self) -> list[str]:
        return [m.get("text", "") for m in self.emulator.messages(ANNA, SANDBOX_TOKEN)]


@pytest.fixture
async def chat(serve_app: ServeApp) -> AsyncIterator[ChatPage]:
    """The chat page and its emulator, with PUBLIC_URL naming another address (a TLS proxy)."""
    emulator = BotApiEmulator()
    app = web.Application()
    emulator.attach(app)
    setup_sandbox_chat(app, emulator, SANDBOX_TOKEN, public_url=PUBLIC_URL)
    server = await serve_app(app)
    emulator.base_url = str(server.make_url("")).rstrip("/")
    emulator.user(ANNA, "Анна")
    yield ChatPage(emulator, server)


async def test_calls_without_a_json_body_are_refused(chat: ChatPage) -> None:
    text_url = chat.url(f"/sandbox/api/chats/{ANNA}/text")
    async with aiohttp.ClientSession() as http:
        for body in (
            {"data": {"text": "hi"}},  # a form: application/x-www-form-urlencoded
            {"data": json.dumps({"text": "hi"}), "headers": {"Content-Type": "text/plain"}},
            {"data": aiohttp.FormData({"text": "hi"}, default_to_multipart=True)},
        ):
            async with http.post(text_url, **body) as answer:
                assert answer.status == 415
                refusal = await answer.json()
                assert refusal["error"] == "unsupported_media_type"
                assert "application/json" in refusal["reason"]
    assert chat.users_said() == []


async def test_calls_from_another_origin_are_refused_and_its_own_work(chat: ChatPage) -> None:
    text_url = chat.url(f"/sandbox/api/chats/{ANNA}/text")
    async with aiohttp.ClientSession() as http:
        for origin in ("http://evil.example", "null", chat.origin.replace("http:", "https:")):
            async with http.post(
                text_url, json={"text": "from afar"}, headers={"Origin": origin}
            ) as answer:
                assert answer.status == 403, origin
                assert (await answer.json())["error"] == "forbidden"
        async with http.post(
            chat.url("/sandbox/api/users"),
            json={"first_name": "Ира"},
            headers={"Origin": "http://evil.example"},
        ) as answer:
            assert answer.status == 403
        assert chat.users_said() == []

        # the page's own calls: as reached, as PUBLIC_URL names the server, or no Origin at all
        for headers in ({"Origin": chat.origin}, {"Origin": PUBLIC_URL}, {}):
            async with http.post(text_url, json={"text": "hi"}, headers=headers) as answer:
                assert answer.status == 200, headers
    assert chat.users_said() == ["hi", "hi", "hi"]


# A page of another site that, once opened, posts to the sandbox as a visitor's browser would:
# a text/plain form (the one body a form can shape as JSON) and a no-cors fetch.
FOREIGN_PAGE = """<!doctype html>
<html><body>
<form id="f" method="post" enctype="text/plain" action="{action}">
<input name='{{"text":"pwned by form","x":"' value='"}}'>
</form>
<script>
const body = '{{"text": "pwned by fetch"}}';
const headers = {{"Content-Type": "text/plain"}};
fetch("{action}", {{method: "POST", mode: "no-cors", body, headers}})
  .finally(() => document.getElementById("f").submit());
</script>
</body></html>
"""


async def test_a_page_of_another_site_cannot_post_as_the_visitor(
    chat: ChatPage, serve_app: ServeApp, page: BrowserPage
) -> None:
    action = chat.url(f"/sandbox/api/chats/{ANNA}/text")

    async def foreign(_request: web.Request) -> web.Response:
        return web.Response(text=FOREIGN_PAGE.format(action=action), content_type="text/html")

    other_site = web.Application()
    other_site.router.add_get("/", foreign)
    # another port of loopback: another origin to the browser
    elsewhere = await serve_app(other_site)

    def visit(page: Page) -> str:
        page.goto(str(elsewhere.make_url("/")))
        page.wait_for_url(action)
        return page.locator("body").inner_text()

    shown = json.loads(await page.run(visit))
    assert shown["error"] == "forbidden"
    assert chat.users_said() == []
    assert chat.emulator.pending_updates(SANDBOX_TOKEN) == []


async def test_the_page_is_sent_with_its_security_headers(chat: ChatPage) -> None:
    async with aiohttp.ClientSession() as http, http.get(chat.url("/sandbox/")) as answer:
        assert answer.status == 200
        policy = answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-src"] == f"'self' {PUBLIC_URL}"
    assert directives["frame-ancestors"] == "'self'"
    assert (directives["object-src"], directives["base-uri"]) == ("'none'", "'none'")
