"""The clients' booking page inside Telegram (a stubbed `Telegram.WebApp` that records the
page's calls): Telegram's main button books the chosen time, its back button goes back from
the confirmation to the calendar, a success buzzes, and a dark theme keeps every part of the
page readable."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from db.enums import AppointmentStatus
from db.models import Appointment
from sandbox.chat import sign_web_app_init_data
from tests.harness.builders import future_slot, make_client, make_psychologist
from tests.harness.mini_apps import Screen, Site
from tests.harness.telegram_stub import (
    DARK,
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

HIDDEN = {"visible": False, "active": True, "progress": False, "text": ""}


async def open_booking(site: Site, screen: Screen) -> int:
    """A client with a psychologist who has a free time, the booking page opened in Telegram;
    the free slot's id."""
    client = await make_client(name="Мария Иванова", telegram_id=424242)
    psychologist = await make_psychologist(name="Олег Петров")
    slot = await future_slot(psychologist, hours_ahead=30)
    user = {"id": client.telegram_id, "first_name": "Мария"}
    await screen.run(in_telegram(sign_web_app_init_data(site.settings.telegram_token, user)))

    def opens(page: Page) -> None:
        page.goto(site.url("/app/book?lang=ru"))
        expect(page.get_by_label("Психолог").locator("option")).to_have_count(1)
        expect(page.locator(f'[data-slot-id="{slot.id}"]')).to_be_visible()

    await screen.run(opens)
    return slot.id


async def test_telegrams_main_button_books_and_its_back_button_returns_to_the_calendar(
    site: Site, screen: Screen
) -> None:
    slot_id = await open_booking(site, screen)

    def back_from_the_confirmation(page: Page) -> None:
        assert calls(page)[:2] == [["ready"], ["expand"]]
        assert button_state(page, "MainButton") == HIDDEN
        page.locator(f'[data-slot-id="{slot_id}"]').click()
        expect(page.get_by_role("heading", name="Подтвердите запись")).to_be_visible()
        shown = {"visible": True, "active": True, "progress": False, "text": "Записаться"}
        eventually(page, lambda: button_state(page, "MainButton") == shown)
        expect(page.get_by_role("button", name="Записаться", exact=True)).to_be_hidden()
        assert button_state(page, "BackButton")["visible"]
        tap(page, "BackButton")
        expect(page.locator("#pick")).to_be_visible()
        expect(page.locator("#confirm")).to_be_hidden()
        eventually(page, lambda: not button_state(page, "MainButton")["visible"])
        assert not button_state(page, "BackButton")["visible"]

    await screen.run(back_from_the_confirmation)

    def books_with_the_main_button(page: Page) -> None:
        page.locator(f'[data-slot-id="{slot_id}"]').click()
        eventually(page, lambda: button_state(page, "MainButton")["visible"])
        tap(page, "MainButton")
        expect(page.get_by_role("heading", name="Вы записаны")).to_be_visible()
        expect(page.locator("#done .done-text")).to_contain_text("психолог Олег Петров")
        eventually(page, lambda: not button_state(page, "MainButton")["visible"])
        made = calls(page)
        # Telegram's button showed the booking in progress, then buzzed its success.
        assert ["MainButton.showProgress", False] in made
        assert ["MainButton.disable"] in made
        assert [call for call in made if call[0].startswith("MainButton.")][-1] == [
            "MainButton.hide"
        ]
        assert ["HapticFeedback.notificationOccurred", "success"] in made

    await screen.run(books_with_the_main_button)
    appointment = await Appointment.get(slot_id=slot_id)
    assert appointment.status == AppointmentStatus.NEW


async def test_the_booking_page_follows_telegrams_dark_theme(site: Site, screen: Screen) -> None:
    await open_booking(site, screen)

    def dark(page: Page) -> None:
        _, light_panel = colours(page, "#pick")
        switch_theme(page, "dark", DARK)
        expect(page.locator("html")).to_have_attribute("data-scheme", "dark")
        text, panel = colours(page, "#pick")
        assert panel != light_panel and luminance(panel) < 0.05
        assert contrast(text, panel) >= 7
        field_text, field = colours(page, "#psychologist")
        assert contrast(field_text, field) >= 7
        hint, _ = colours(page, "#pick .hint")
        assert contrast(hint, panel) >= 4.5
        # FullCalendar's parts: the day headings of its list, its buttons, a free time.
        day_text, day = colours(page, ".fc-list-day-cushion")
        assert luminance(day) < 0.05 and contrast(day_text, day) >= 7
        button_text, button = colours(page, ".fc-today-button")
        assert contrast(button_text, button) >= 3
        time_text, _ = colours(page, ".fc-list-event-time")
        assert contrast(time_text, panel) >= 7

    await screen.run(dark)
    await screen.screenshot("book-dark")


async def test_in_the_sandboxs_frame_the_page_keeps_its_own_buttons(
    site: Site, screen: Screen
) -> None:
    client = await make_client(name="Мария Иванова", telegram_id=424242)
    slot = await future_slot(await make_psychologist(name="Олег Петров"), hours_ahead=30)
    user = {"id": client.telegram_id, "first_name": "Мария"}
    init_data = sign_web_app_init_data(site.settings.telegram_token, user)
    await screen.run(in_telegram(init_data, hosted=False))

    def books_with_the_pages_button(page: Page) -> None:
        # A page of this server frames the booking page, as the sandbox's chat does.
        page.goto(site.url("/app/reports?lang=ru"))
        page.evaluate(
            "(url) => document.body.append(Object.assign(document.createElement('iframe'),"
            " { src: url, width: 360, height: 700 }))",
            site.url("/app/book?lang=ru"),
        )
        frame = page.frame_locator("iframe")
        frame.locator(f'[data-slot-id="{slot.id}"]').click()
        book = frame.get_by_role("button", name="Записаться", exact=True)
        expect(book).to_be_visible()
        book.click()
        expect(frame.get_by_role("heading", name="Вы записаны")).to_be_visible()
        framed = page.frames[1]
        assert framed.evaluate("window.Telegram.WebApp.MainButton.state.visible") is False
        assert ["MainButton.onClick"] not in framed.evaluate("window.telegramStub.calls")

    await screen.run(books_with_the_pages_button)
    assert (await Appointment.get(slot_id=slot.id)).status == AppointmentStatus.NEW
