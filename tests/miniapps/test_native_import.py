"""The import page inside Telegram (a stubbed `Telegram.WebApp` that records the page's calls):
Telegram's main button uploads the file; and outside Telegram a page follows the system's
dark scheme."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from db.models import Client
from sandbox.chat import sign_web_app_init_data
from tests.harness.mini_apps import Screen, Site
from tests.harness.telegram_stub import (
    button_state,
    calls,
    colours,
    contrast,
    eventually,
    in_telegram,
    luminance,
    tap,
)
from tests.miniapps.test_import_reports import CSV


async def test_telegrams_main_button_uploads_the_file(
    site: Site, screen: Screen, tmp_path: Path
) -> None:
    upload = tmp_path / "clients.csv"
    upload.write_text(CSV, encoding="utf-8")
    await site.manager_token(7001)
    user = {"id": 7001, "first_name": "Нина"}
    await screen.run(in_telegram(sign_web_app_init_data(site.settings.telegram_token, user)))

    def uploads(page: Page) -> None:
        page.goto(site.url("/app/import?lang=ru"))
        shown = {"visible": True, "active": True, "progress": False, "text": "Загрузить"}
        eventually(page, lambda: button_state(page, "MainButton") == shown)
        expect(page.locator("#import-form button[type=submit]")).to_be_hidden()
        page.set_input_files('input[name="file"]', str(upload))
        tap(page, "MainButton")
        expect(page.locator('#import-report [data-field="created"]')).to_have_text("2")
        eventually(page, lambda: button_state(page, "MainButton") == shown)
        made = calls(page)
        assert ["MainButton.showProgress", False] in made
        assert ["HapticFeedback.notificationOccurred", "success"] in made

    await screen.run(uploads)
    assert await Client.filter(phone__in=["+79161234567", "+79035554433"]).count() == 2


async def test_outside_telegram_a_page_follows_the_systems_dark_scheme(
    site: Site, screen: Screen
) -> None:
    url = site.url("/app/import?lang=ru") + f"#token={await site.manager_token()}"

    def dark_system(page: Page) -> None:
        page.emulate_media(color_scheme="dark")
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("data-scheme", "dark")
        text, panel = colours(page, "#import-form")
        assert luminance(panel) < 0.05 and contrast(text, panel) >= 7
        expect(page.locator("#import-form button[type=submit]")).to_be_visible()
        page.emulate_media(color_scheme="light")
        expect(page.locator("html")).to_have_attribute("data-scheme", "light")

    await screen.run(dark_system)
