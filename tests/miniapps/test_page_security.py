"""Every HTML page is sent with its security headers and runs no inline script; the pages work
under their Content-Security-Policy in Chromium (the live board's WebSocket, FullCalendar's
stylesheet, the drawer); a meeting link that is not http(s) is shown, never followed."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from playwright.sync_api import Page, expect

from db.enums import Actor
from db.models import Appointment
from domain.booking import appointments
from sandbox import BotApiEmulator
from sandbox.chat import setup_sandbox_chat
from services import Services
from tests.harness.browser import BrowserPage
from tests.harness.builders import future_slot, make_client, make_psychologist
from tests.harness.mini_apps import MANAGER, Screen, Site, card_in, open_board
from webapp.app import create_app

# What every page's policy holds, and what the mini apps' holds besides.
EVERY_PAGE = {"object-src": "'none'", "base-uri": "'none'"}
MINI_APPS = {
    "script-src": "'self' https://telegram.org",
    # telegram-web-app.js adds a <style> inside Telegram's web client
    "style-src": "'self' 'unsafe-inline'",
    "connect-src": "'self'",
    "frame-ancestors": "'self' https://web.telegram.org",
}
PAGES = {"/app/board", "/app/editor", "/app/book", "/app/import", "/app/reports", "/sandbox/"}
# Records each violation of the page's policy, before any of the page's own scripts runs.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def page_paths(app: web.Application) -> Iterator[str]:
    """The path of every GET route without parameters, in `app` and its sub-apps (whose
    routes carry their mount prefix)."""
    for resource in app.router.resources():
        info = resource.get_info()
        if "app" in info:
            yield from page_paths(info["app"])
        elif "path" in info and any(route.method in {"GET", "*"} for route in resource):
            yield info["path"]


class Scripts(HTMLParser):
    """The <script> elements of a page: (src, type) of each, and whether any has a body that
    would run."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []
        self.inline_code = False
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.found.append(self._open)
        if any(name.startswith("on") for name, _ in attrs):
            self.inline_code = True  # an event handler attribute is an inline script too

    def handle_data(self, data: str) -> None:
        if self._open is not None and data.strip() and "src" not in self._open:
            self.inline_code |= self._open.get("type") != "application/json"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def policy(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


async def test_every_page_sends_the_security_headers_and_no_inline_script(
    services: Services,
) -> None:
    settings = services.settings
    # The app as `python main.py` serves it with no BOT_TOKEN: the sandbox chat mounted too.
    app = create_app(services, own_database=False)
    emulator = BotApiEmulator()
    emulator.attach(app)
    setup_sandbox_chat(app, emulator, settings.telegram_token, public_url=settings.base_url)
    pages: set[str] = set()
    async with TestClient(TestServer(app)) as client:
        for path in sorted(set(page_paths(app))):
            answer = await client.get(path, allow_redirects=False)
            assert answer.headers.get("X-Content-Type-Options") == "nosniff", path
            if answer.content_type != "text/html":
                continue
            pages.add(path)
            assert answer.status == 200, path
            assert answer.headers.get("Referrer-Policy") == "no-referrer", path
            rules = policy(answer.headers.get("Content-Security-Policy", ""))
            assert EVERY_PAGE.items() <= rules.items(), path
            assert "unsafe" not in rules.get("script-src", "unsafe"), path
            assert rules.get("frame-ancestors", "").startswith("'self'"), path
            if path.startswith("/app/"):
                assert MINI_APPS.items() <= rules.items(), path
            scripts = Scripts()
            scripts.feed(await answer.text())
            assert not scripts.inline_code, f"{path} has an inline script"
            assert all(s.get("src") or s.get("type") == "application/json" for s in scripts.found)
        static = await client.get("/app/static/js/app.js")
        assert static.headers.get("X-Content-Type-Options") == "nosniff"
    assert pages >= PAGES


async def test_the_board_and_the_editor_work_under_the_policy(site: Site, screen: Screen) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова")
    safe, unsafe = [
        await appointments.book(
            (await make_client(name=name)).id,
            (await future_slot(psychologist, hours_ahead=hours)).id,
            MANAGER,
            require_own_hold=False,
        )
        for name, hours in (("Мария Иванова", 72), ("Пётр Смирнов", 96))
    ]
    await Appointment.filter(id=safe.id).update(meeting_link="https://meet.example/room-1")
    # a link stored before links were checked, as a board may still meet one
    await Appointment.filter(id=unsafe.id).update(meeting_link="javascript:alert(document.domain)")
    board = site.url("/app/board?lang=en") + f"#token={await site.manager_token()}"

    def use_the_board(page: Page) -> list[str]:
        page.add_init_script(WATCH_VIOLATIONS)
        open_board(page, board, safe.id)  # the live WebSocket included
        page.locator(card_in("new", safe.id)).click()
        link = page.locator("#drawer dd a", has_text="https://meet.example/room-1")
        expect(link).to_have_attribute("href", "https://meet.example/room-1")
        page.locator(card_in("new", unsafe.id)).click()
        shown = page.locator("#drawer dd", has_text="javascript:alert(document.domain)")
        expect(shown).to_be_visible()
        expect(shown.locator("a")).to_have_count(0)
        page.locator("#drawer .close").click()
        page.get_by_role("tab", name="Calendar").click()
        expect(page.locator(".fc-timegrid")).to_be_visible()
        # FullCalendar's stylesheet (a <style> it adds) applied
        assert page.locator(".fc").evaluate("e => getComputedStyle(e).display") == "flex"
        return page.evaluate("window.cspViolations")

    assert await screen.run(use_the_board) == []

    psychologist_token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)
    editor = site.url("/app/editor?lang=en") + f"#token={psychologist_token}"

    def use_the_editor(page: Page) -> list[str]:
        page.add_init_script(WATCH_VIOLATIONS)
        page.goto(editor)
        expect(page.locator(".cell").first).to_be_visible()
        return page.evaluate("window.cspViolations")

    assert await screen.run(use_the_editor) == []


async def test_an_injected_inline_script_does_not_run(site: Site, page: BrowserPage) -> None:
    url = site.url("/app/reports?lang=en")

    def inject(page: Page) -> tuple[object, list[str]]:
        page.add_init_script(WATCH_VIOLATIONS)
        page.goto(url)
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.append(script);
            }"""
        )
        page.wait_for_function("window.cspViolations.length > 0")
        return page.evaluate("window.injected"), page.evaluate("window.cspViolations")

    ran, violations = await page.run(inject)
    assert ran is None
    assert any(v.startswith("script-src-elem inline") for v in violations), violations
