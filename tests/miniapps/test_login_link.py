"""The bot's one-time login link opens the board in a plain browser (no Telegram); the same
link opened again in another browser is refused."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from db.enums import ManagerRole
from db.models import Manager
from domain.people.access import login_link
from tests.harness.mini_apps import Screen, Site, booked_appointment, card_in

MANAGER_ID = 7301


def open_board(page: Page, url: str, appointment_id: int) -> str:
    page.goto(url)
    expect(page.locator(card_in("new", appointment_id))).to_be_visible()
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    return page.url


def open_again(context: BrowserContext, url: str) -> tuple[str, list[str]]:
    """The link in a fresh context: what the sign-in box says, and the console's errors."""
    page = context.pages[0]
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    box = page.locator("#signin")
    expect(box).to_be_visible()
    expect(page.locator(".card")).to_have_count(0)
    return box.inner_text(), errors


async def test_a_login_link_opens_the_board_once(site: Site, screen: Screen) -> None:
    await Manager.create(telegram_id=MANAGER_ID, name="Olga", role=ManagerRole.MANAGER)
    appointment = await booked_appointment()
    link = await login_link(
        site.url("/").rstrip("/"),
        site.settings.jwt_secret.get_secret_value(),
        MANAGER_ID,
        site.settings.admin_ids,
    )
    shown_url = await screen.run(open_board, link, appointment.id)
    assert "#token=" not in shown_url  # the one-time key leaves the address bar
    await screen.screenshot("board-from-login-link")

    thread = screen.browser.thread
    other = await thread.run(thread.new_context)
    try:
        text, errors = await thread.run(open_again, other, link)
    finally:
        await thread.run(other.close)
    assert "this link has been used" in text
    # Chromium logs the refused exchange itself; nothing else went wrong.
    assert len(errors) == 1 and "status of 401" in errors[0], errors
    assert "/api/v1/auth/exchange" in errors[0]
