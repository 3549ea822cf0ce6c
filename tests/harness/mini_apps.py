"""The mini apps in Chromium: the whole app on a loopback port (`Site`), a browser page whose
console errors fail the test (`Screen`), and the board's cards as a manager sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from config import Settings
from db.enums import Actor, ManagerRole
from db.models import Appointment, Manager
from domain.audit import Initiator
from domain.booking import appointments
from tests.harness.browser import BrowserPage
from tests.harness.builders import future_slot, make_client, make_psychologist
from webapp.auth import Principal, issue_token

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 820}
MANAGER = Initiator(Actor.MANAGER, ref="7001", source="test")


@dataclass
class Site:
    """The running app and what a test needs to act on it."""

    server: TestServer
    settings: Settings
    http: ClientSession

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def token(self, role: Actor, telegram_id: int) -> str:
        return issue_token(self.settings, Principal(telegram_id, role))

    async def manager_token(self, telegram_id: int = 7001) -> str:
        await Manager.get_or_create(
            telegram_id=telegram_id, defaults={"role": ManagerRole.MANAGER}
        )
        return self.token(Actor.MANAGER, telegram_id)


@dataclass
class Screen:
    """A browser page whose console errors fail the test, with screenshots in tmp_path."""

    browser: BrowserPage
    folder: Path
    errors: list[str] = field(default_factory=list)
    # API refusals the test provokes on purpose (Chromium logs every 4xx fetch as an error)
    expected_refusals: set[int] = field(default_factory=set)

    @classmethod
    async def watching(cls, browser: BrowserPage, folder: Path) -> Screen:
        """The page at desktop size, its console errors and page errors collected."""
        watched = cls(browser, folder)
        await browser.run(watched._watch)
        return watched

    def _watch(self, browser_page: Page) -> None:
        browser_page.set_viewport_size(DESKTOP)

        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            status = re.search(r"status of (\d+)", message.text)
            from_api = "/api/" in message.location.get("url", "")
            if from_api and status and int(status[1]) in self.expected_refusals:
                return
            self.errors.append(f"{message.text} ({message.location.get('url')})")

        def on_error(error: Error) -> None:
            self.errors.append(str(error))

        browser_page.on("console", on_console)
        browser_page.on("pageerror", on_error)

    async def run(self, step, *args, **kw):  # type: ignore[no-untyped-def]
        return await self.browser.run(step, *args, **kw)

    async def screenshot(self, name: str, *, phone: bool = True) -> Path:
        path = self.folder / f"{name}.png"

        def shoot(page: Page) -> None:
            if phone:
                page.set_viewport_size(PHONE)
            page.wait_for_timeout(300)  # let transitions settle
            page.screenshot(path=str(path), full_page=True)
            page.set_viewport_size(DESKTOP)

        await self.run(shoot)
        return path


def card_in(status: str, appointment_id: int) -> str:
    """The board card of an appointment in the column of `status` (a CSS selector)."""
    return f'.column[data-status="{status}"] .card[data-appointment-id="{appointment_id}"]'


def open_board(page: Page, url: str, appointment_id: int) -> None:
    """Open the board at `url` and wait until the appointment's card is new and the board
    live."""
    page.goto(url)
    expect(page.locator(card_in("new", appointment_id))).to_be_visible()
    expect(page.locator("#live")).to_have_attribute("data-state", "live")


async def booked_appointment(client_name: str = "Мария Иванова") -> Appointment:
    """A new appointment with Анна Смирнова, booked by a manager, three days ahead."""
    psychologist = await make_psychologist(name="Анна Смирнова")
    client = await make_client(name=client_name, phone="+79001234567")
    slot = await future_slot(psychologist, hours_ahead=72)
    return await appointments.book(client.id, slot.id, MANAGER, require_own_hold=False)
