"""The clients' booking calendar in Chromium, opened as Telegram opens a WebApp (signed
initData in the URL fragment), on a 360 px phone: pick a psychologist, tap a free time, hold,
confirm; the appointment is in the database as new."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from db.enums import AppointmentStatus, SlotStatus
from db.models import Appointment, Slot
from sandbox.chat import sign_web_app_init_data, web_app_launch_url
from tests.api.conftest import future_slot
from tests.helpers import make_client, make_psychologist
from tests.miniapps.conftest import PHONE, Screen, Site


def without_telegram_script(page: Page) -> None:
    """Outside Telegram its script has nothing to talk to: serve an empty one (no network),
    so the page reads the launch parameters from the fragment, as it does in a browser."""

    def empty_script(route: Route) -> None:
        route.fulfill(status=200, content_type="application/javascript", body="")

    page.route("https://telegram.org/**", empty_script)
    page.set_viewport_size(PHONE)


async def test_a_client_books_a_session_through_the_booking_page(
    site: Site, screen: Screen
) -> None:
    client = await make_client(name="Мария Иванова", phone="+79001234567", telegram_id=424242)
    anna = await make_psychologist(name="Анна Смирнова")
    oleg = await make_psychologist(name="Олег Петров")
    await future_slot(anna, hours_ahead=30)
    wanted = await future_slot(oleg, hours_ahead=50)
    user = {"id": client.telegram_id, "first_name": "Мария", "language_code": "ru"}
    init_data = sign_web_app_init_data(site.settings.telegram_token, user)
    url = web_app_launch_url(site.url("/app/book?lang=ru"), init_data)
    await screen.run(without_telegram_script)

    def book_with_oleg(page: Page) -> None:
        page.goto(url)
        chooser = page.get_by_label("Психолог")
        expect(chooser.locator("option")).to_have_count(2)
        chooser.select_option(label="Олег Петров")
        slot = page.locator(f'[data-slot-id="{wanted.id}"]')
        # The free time may fall in next week.
        try:
            expect(slot).to_be_visible(timeout=3000)
        except AssertionError:
            page.locator(".fc-next-button").click()
        slot.click()
        expect(page.get_by_role("heading", name="Подтвердите запись")).to_be_visible()
        expect(page.locator("#confirm .who")).to_have_text("Олег Петров")
        expect(page.locator("#confirm .held")).to_contain_text("Время закреплено за вами до")
        page.get_by_role("button", name="Записаться", exact=True).click()
        expect(page.get_by_role("heading", name="Вы записаны")).to_be_visible()
        expect(page.locator("#done .done-text")).to_contain_text("психолог Олег Петров")

    await screen.run(book_with_oleg)
    appointment = await Appointment.get(client_id=client.id)
    assert appointment.status == AppointmentStatus.NEW
    assert (appointment.slot_id, appointment.psychologist_id) == (wanted.id, oleg.id)
    await wanted.refresh_from_db()
    assert wanted.status == SlotStatus.BOOKED
    assert await Slot.filter(status=SlotStatus.HELD).count() == 0
    await screen.screenshot("booked")
