"""A newcomer books a session through the /sandbox chat page in headless Chromium, with the
product's real dispatcher behind the emulator and a real database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.sync_api import Page, expect

from db.enums import AppointmentStatus, SlotStatus
from db.models import Appointment, Client, Slot
from sandbox import SANDBOX_TOKEN, BotApiEmulator
from sandbox.chat import setup_sandbox_chat
from services import Services
from tests.harness.bots import polling
from tests.harness.browser import BrowserPage, ServeApp
from tests.harness.builders import make_bookable_psychologist

USER_ID = 8101
PHONE = "+79161112233"


@pytest.fixture
async def product_sandbox(services: Services, serve_app: ServeApp) -> AsyncIterator[TestServer]:
    """The emulator and its chat page on a loopback app; the product's bot polling it."""
    emulator = BotApiEmulator()
    app = web.Application()
    emulator.attach(app)
    setup_sandbox_chat(app, emulator, SANDBOX_TOKEN)
    server = await serve_app(app)
    emulator.base_url = str(server.make_url("")).rstrip("/")
    bot = emulator.make_bot()
    try:
        async with polling(services, bot, emulator):
            yield server
    finally:
        await bot.session.close()


def _bot_says(page: Page, text: str | re.Pattern[str]):  # noqa: ANN202 - a Playwright locator
    return (
        page.get_by_test_id("message")
        .filter(has_text=text)
        .and_(page.locator('[data-from="bot"]'))
        .last
    )


def _tap(page: Page, label: str) -> None:
    page.get_by_test_id("inline-button").filter(has_text=label).last.click()


async def test_a_session_is_booked_through_the_sandbox_page(
    product_sandbox: TestServer, page: BrowserPage, tmp_path: Path
) -> None:
    maria = await make_bookable_psychologist("Maria Ivanova", queries=["anxiety"], min_price=3000)
    url = str(product_sandbox.make_url("/sandbox"))

    def register_and_book(page: Page) -> None:
        page.goto(url)
        page.get_by_test_id("user-id").fill(str(USER_ID))
        page.get_by_test_id("user-first-name").fill("Anna")
        page.get_by_test_id("user-language").select_option("en")
        page.get_by_test_id("user-phone").fill(PHONE)
        page.get_by_test_id("user-create").click()
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")

        page.get_by_test_id("message-input").fill("/start")
        page.get_by_test_id("send-button").click()
        page.get_by_test_id("contact-button").click()
        expect(_bot_says(page, "Where are you?")).to_be_visible()
        _tap(page, "Moscow")
        expect(_bot_says(page, "Your time zone: MSK")).to_be_visible()
        expect(page.locator('[data-callback-data="m:book"]').last).to_be_visible()

        _tap(page, "Book a session")
        expect(_bot_says(page, "What would you like to work on?")).to_be_visible()
        _tap(page, "anxiety")
        _tap(page, "Done")
        expect(_bot_says(page, "What price per session suits you?")).to_be_visible()
        _tap(page, "Up to 5000 RUB")
        expect(_bot_says(page, "Maria Ivanova")).to_be_visible()
        _tap(page, "Free times")
        expect(_bot_says(page, "Maria Ivanova: free times")).to_be_visible()
        page.locator('[data-testid="inline-button"][data-callback-data^="s:"]').first.click()
        expect(_bot_says(page, "held for you until")).to_be_visible()
        _tap(page, "Confirm")
        expect(_bot_says(page, "You are booked: Maria Ivanova")).to_be_visible()
        page.screenshot(path=tmp_path / "sandbox-booked.png")

    await page.run(register_and_book)

    client = await Client.get(telegram_id=USER_ID)
    assert client.phone == PHONE
    appointment = await Appointment.get(client_id=client.id)
    assert (appointment.psychologist_id, appointment.status) == (maria.id, AppointmentStatus.NEW)
    slot = await Slot.get(id=appointment.slot_id)
    assert slot.status == SlotStatus.BOOKED
