"""The schedule editor inside Telegram (a stubbed `Telegram.WebApp` that records the page's
calls): Telegram's main button opens "Add a range" and then adds it, its back button closes
the dialog."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from db.models import Slot
from sandbox.chat import sign_web_app_init_data
from tests.harness.builders import make_psychologist
from tests.harness.mini_apps import Screen, Site
from tests.harness.telegram_stub import (
    DARK,
    button_state,
    calls,
    colours,
    contrast,
    eventually,
    in_telegram,
    switch_theme,
    tap,
)
from tests.miniapps.test_editor import ZONE, next_monday


async def test_telegrams_main_button_adds_a_range_and_its_back_button_closes_the_dialog(
    site: Site, screen: Screen
) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова", timezone=ZONE.key)
    user = {"id": psychologist.telegram_id, "first_name": "Анна"}
    await screen.run(in_telegram(sign_web_app_init_data(site.settings.telegram_token, user)))
    monday = next_monday()

    def adds_a_range(page: Page) -> None:
        page.goto(site.url("/app/editor?lang=ru"))
        expect(page.locator(".cell").first).to_be_visible()
        eventually(page, lambda: button_state(page, "MainButton")["text"] == "Добавить диапазон")
        assert button_state(page, "MainButton")["visible"]
        expect(page.locator("#add-range")).to_be_hidden()
        tap(page, "MainButton")
        expect(page.locator("#range")).to_be_visible()
        eventually(page, lambda: button_state(page, "MainButton")["text"] == "Добавить")
        assert button_state(page, "BackButton")["visible"]
        tap(page, "BackButton")
        expect(page.locator("#range")).to_be_hidden()
        eventually(page, lambda: not button_state(page, "BackButton")["visible"])
        tap(page, "MainButton")
        page.get_by_label("Дата").fill(str(monday))
        eventually(page, lambda: button_state(page, "MainButton")["text"] == "Добавить")
        tap(page, "MainButton")
        expect(page.locator("#toast")).to_contain_text("Добавлено слотов: 8, пропущено: 0.")
        expect(page.locator("#range")).to_be_hidden()
        assert ["HapticFeedback.notificationOccurred", "success"] in calls(page)
        eventually(page, lambda: button_state(page, "MainButton")["text"] == "Добавить диапазон")

    await screen.run(adds_a_range)
    assert await Slot.filter(psychologist_id=psychologist.id).count() == 8

    def dark(page: Page) -> None:
        switch_theme(page, "dark", DARK)
        expect(page.locator("html")).to_have_attribute("data-scheme", "dark")
        open_text, open_slot = colours(page, '.cell[data-status="free"]')
        assert contrast(open_text, open_slot) >= 7
        time_text, grid = colours(page, "#week")
        assert contrast(time_text, grid) >= 7

    await screen.run(dark)
    await screen.screenshot("editor-dark")
