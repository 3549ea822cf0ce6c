"""The managers' board inside Telegram (a stubbed `Telegram.WebApp` that records the page's
calls): vertical swipes kept for the cards, Telegram's confirmation before a drag that cancels
a session, haptics on a move and on a refusal, the back button closing the drawer, the main
button booking by phone, Telegram's dark theme followed, the toast above the home
indicator."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from db.enums import AppointmentStatus
from db.models import Appointment
from sandbox.chat import sign_web_app_init_data
from tests.harness.mini_apps import DESKTOP, PHONE, Screen, Site, booked_appointment, card_in
from tests.harness.telegram_stub import (
    DARK,
    HOME_INDICATOR,
    button_state,
    calls,
    colours,
    contrast,
    eventually,
    in_telegram,
    luminance,
    switch_theme,
    tap,
)
from tests.harness.telegram_stub import answer_confirmation as answer
from tests.miniapps.test_board import drag

MANAGER_ID = 7001


async def open_in_telegram(site: Site, screen: Screen, appointment_id: int) -> None:
    """The board opened from the bot's manager menu in Telegram, its card of the appointment
    shown and the board live."""
    await site.manager_token(MANAGER_ID)
    user = {"id": MANAGER_ID, "first_name": "Нина"}
    init_data = sign_web_app_init_data(site.settings.telegram_token, user)
    await screen.run(in_telegram(init_data))

    def opens(page: Page) -> None:
        page.goto(site.url("/app/board?lang=ru"))
        expect(page.locator(card_in("new", appointment_id))).to_be_visible()
        expect(page.locator("#live")).to_have_attribute("data-state", "live")

    await screen.run(opens)


def cancel_by_drag(page: Page, appointment_id: int) -> None:
    drag(page, card_in("new", appointment_id), '.cards[data-status="cancelled"]')
    eventually(page, lambda: calls(page, "showConfirm"))


async def test_a_drag_onto_cancelled_asks_telegram_first_and_a_no_changes_nothing(
    site: Site, screen: Screen
) -> None:
    appointment = await booked_appointment()
    await open_in_telegram(site, screen, appointment.id)
    patches: list[str] = []

    def declines(page: Page) -> None:
        page.set_viewport_size(DESKTOP)
        assert ["disableVerticalSwipes"] in calls(page)
        assert ["isVersionAtLeast", "7.7"] in calls(page)
        page.on(
            "request",
            lambda request: patches.append(request.url) if request.method == "PATCH" else None,
        )
        cancel_by_drag(page, appointment.id)
        [(_, message)] = calls(page, "showConfirm")
        assert "Мария Иванова" in message
        assert "клиент узнает об этом сразу" in message.lower()
        answer(page, False)
        expect(page.locator(card_in("new", appointment.id))).to_be_visible()
        expect(page.locator(card_in("new", appointment.id))).not_to_have_class(
            re.compile("saving")
        )
        expect(page.locator('.column[data-status="cancelled"] .count')).to_have_text("0")
        expect(page.locator('.column[data-status="new"] .count')).to_have_text("1")
        page.wait_for_timeout(300)

    await screen.run(declines)
    assert patches == []
    assert (await Appointment.get(id=appointment.id)).status == AppointmentStatus.NEW

    def accepts(page: Page) -> None:
        cancel_by_drag(page, appointment.id)
        answer(page, True)
        expect(page.locator(card_in("cancelled", appointment.id))).to_be_visible()
        expect(page.locator('.column[data-status="cancelled"] .count')).to_have_text("1")
        eventually(page, lambda: ["HapticFeedback.notificationOccurred", "success"] in calls(page))

    await screen.run(accepts)
    assert (await Appointment.get(id=appointment.id)).status == AppointmentStatus.CANCELLED


async def test_a_refused_drop_buzzes_an_error_and_the_back_button_closes_the_drawer(
    site: Site, screen: Screen
) -> None:
    screen.expected_refusals.add(409)
    appointment = await booked_appointment()
    await open_in_telegram(site, screen, appointment.id)

    def refused(page: Page) -> None:
        page.set_viewport_size(DESKTOP)
        drag(page, card_in("new", appointment.id), '.cards[data-status="completed"]')
        expect(page.locator("#toast")).to_contain_text("Карточку нельзя перенести")
        expect(page.locator(card_in("new", appointment.id))).to_be_visible()
        assert ["HapticFeedback.notificationOccurred", "error"] in calls(page)
        # The toast clears the home indicator.
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(400)  # the toast's slide in
        box = page.locator("#toast").bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"] - HOME_INDICATOR

    await screen.run(refused)

    def drawer_and_back(page: Page) -> None:
        assert button_state(page, "BackButton")["visible"] is False
        page.locator(card_in("new", appointment.id)).click()
        expect(page.locator("#drawer")).to_be_visible()
        eventually(page, lambda: button_state(page, "BackButton")["visible"])
        tap(page, "BackButton")
        expect(page.locator("#drawer")).to_be_hidden()
        eventually(page, lambda: not button_state(page, "BackButton")["visible"])

    await screen.run(drawer_and_back)


async def test_the_main_button_books_by_phone_and_the_board_follows_a_dark_theme(
    site: Site, screen: Screen
) -> None:
    appointment = await booked_appointment()
    await open_in_telegram(site, screen, appointment.id)

    def main_button(page: Page) -> None:
        shown = {
            "visible": True,
            "active": True,
            "progress": False,
            "text": "Записать по телефону",
        }
        eventually(page, lambda: button_state(page, "MainButton") == shown)
        expect(page.locator("#new-booking")).to_be_hidden()
        tap(page, "MainButton")
        expect(page.locator("#manual")).to_be_visible()
        eventually(page, lambda: button_state(page, "MainButton")["text"] == "Записать")
        expect(page.locator('#manual button[type="submit"]')).to_be_hidden()
        eventually(page, lambda: button_state(page, "BackButton")["visible"])
        tap(page, "BackButton")
        expect(page.locator("#manual")).to_be_hidden()
        eventually(page, lambda: button_state(page, "MainButton") == shown)

    await screen.run(main_button)

    def dark(page: Page) -> None:
        light_text, _ = colours(page, ".card .client")
        switch_theme(page, "dark", DARK)
        expect(page.locator("html")).to_have_attribute("data-scheme", "dark")
        text, _ = colours(page, ".card .client")
        assert text != light_text
        _, page_background = colours(page, "body")
        _, column = colours(page, ".column")
        _, card = colours(page, ".card")
        assert luminance(page_background) < 0.05 and luminance(column) < 0.05
        assert contrast(text, card) >= 7
        heading, _ = colours(page, '.column[data-status="confirmed"] h2')
        assert contrast(heading, column) >= 4.5
        hint, _ = colours(page, ".card .psychologist")
        assert contrast(hint, card) >= 4.5
        field_text, field = colours(page, "#filters select")
        assert contrast(field_text, field) >= 7

    await screen.run(dark)
    await screen.screenshot("board-dark")
