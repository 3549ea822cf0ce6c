"""The clients' booking calendar in Chromium, opened as Telegram opens a WebApp (signed
initData in the URL fragment), on a 360 px phone: pick a psychologist, tap a free time, hold,
confirm; the appointment is in the database as new."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, Route, expect

from db.enums import Actor, AppointmentStatus, SlotStatus
from db.models import Appointment, Client, Slot
from domain.audit import Initiator
from domain.booking import appointments
from sandbox.chat import sign_web_app_init_data, web_app_launch_url
from tests.harness.api_callers import sign_fields
from tests.harness.builders import future_slot, make_client, make_psychologist
from tests.harness.mini_apps import PHONE, Screen, Site


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


def telegram_with_contact(contact: str, init_data: str) -> Callable[[Page], None]:
    """Telegram's script as the phone app provides it, as far as the page uses it: initData,
    and a requestContact whose popup the person answers with "share"."""
    script = f"""
      window.Telegram = {{ WebApp: {{
        initData: {json.dumps(init_data)}, initDataUnsafe: {{}}, themeParams: {{}},
        ready() {{}}, expand() {{}},
        requestContact(callback) {{
          window.contactAsked = true;
          setTimeout(() => callback(true, {{ response: {json.dumps(contact)} }}), 50);
        }},
      }} }};
    """

    def serve(page: Page) -> None:
        page.route(
            "https://telegram.org/**",
            lambda route: route.fulfill(
                status=200, content_type="application/javascript", body=script
            ),
        )
        page.set_viewport_size(PHONE)

    return serve


async def test_a_phone_booked_client_shares_the_contact_and_finds_the_session(
    site: Site, screen: Screen
) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова")
    slot = await future_slot(psychologist, hours_ahead=30)
    caller = await Client.create(phone="+79001234567", name="Мария Иванова", source="manual")
    await appointments.book(caller.id, slot.id, Initiator(Actor.MANAGER), require_own_hold=False)
    await future_slot(psychologist, hours_ahead=50)
    user = {"id": 515151, "first_name": "Маша", "language_code": "ru"}
    token = site.settings.telegram_token
    init_data = sign_web_app_init_data(token, user)
    shared = {"user_id": 515151, "phone_number": "79001234567", "first_name": "Маша"}
    contact = sign_fields(
        token,
        {"contact": json.dumps(shared, ensure_ascii=False), "auth_date": str(int(time.time()))},
    )
    await screen.run(telegram_with_contact(contact, init_data))

    def share_the_number(page: Page) -> None:
        page.goto(web_app_launch_url(site.url("/app/book?lang=ru"), init_data))
        expect(page.get_by_role("heading", name="Ваш номер телефона")).to_be_visible()
        page.get_by_role("button", name="Поделиться номером").click()
        expect(page.locator("#toast")).to_contain_text("номер сохранён")
        expect(page.get_by_label("Психолог").locator("option")).to_have_count(1)

    await screen.run(share_the_number)
    linked = await Client.get(id=caller.id)
    assert (linked.telegram_id, linked.phone_verified) == (515151, True)
    assert await Client.all().count() == 1
    await screen.screenshot("contact-shared")


async def test_times_are_in_the_clients_zone_with_its_label(site: Site, screen: Screen) -> None:
    """A client in Berlin reads Berlin's clock, labelled, whatever zone the device is in
    (this browser runs in the machine's)."""
    client = await make_client(name="Анна", telegram_id=434343, timezone="Europe/Berlin")
    oleg = await make_psychologist(name="Олег Петров")
    wanted = await future_slot(oleg, hours_ahead=50)
    berlin = wanted.starts_at.astimezone(ZoneInfo("Europe/Berlin"))
    moscow = wanted.starts_at.astimezone(ZoneInfo("Europe/Moscow"))
    user = {"id": client.telegram_id, "first_name": "Анна", "language_code": "ru"}
    init_data = sign_web_app_init_data(site.settings.telegram_token, user)
    url = web_app_launch_url(site.url("/app/book?lang=ru"), init_data)
    await screen.run(without_telegram_script)

    def read_the_times(page: Page) -> None:
        page.goto(url)
        expect(page.locator("#zone")).to_have_text("Время: Берлин")
        slot = page.locator(f'[data-slot-id="{wanted.id}"]')
        try:
            expect(slot).to_be_visible(timeout=3000)
        except AssertionError:
            page.locator(".fc-next-button").click()
        # The calendar writes hours unpadded: "9:00 - 10:00".
        expect(slot).to_contain_text(f"{berlin.hour}:{berlin:%M} - ")
        expect(slot).not_to_contain_text(f"{moscow.hour}:{moscow:%M} - ")
        slot.click()
        when = page.locator("#confirm .when")
        expect(when).to_contain_text(f"{berlin:%H:%M} (Берлин)")
        expect(page.locator("#confirm .held")).to_contain_text("(Берлин)")
        page.get_by_role("button", name="Записаться", exact=True).click()
        expect(page.locator("#done .done-text")).to_contain_text(f"{berlin:%H:%M} (Берлин)")

    await screen.run(read_the_times)
    await screen.screenshot("berlin")
