"""The client card on the board in Chromium: the drawer of an appointment shows the client's
card (contact state, sessions with the late-cancel mark, the counts, the session in MSK and
in the client's own time) and saves a note that appears at once and after a reload; the
search finds a client by phone and opens their card."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from db.enums import AppointmentStatus, ReviewAuthor
from db.models import Appointment, Client, ClientNote
from domain.booking import appointments, reviews
from tests.harness.builders import future_slot, make_client, make_psychologist
from tests.harness.mini_apps import MANAGER, Screen, Site, booked_appointment, card_in, open_board


async def test_the_drawer_shows_the_clients_card_and_saves_a_note(
    site: Site, screen: Screen
) -> None:
    appointment = await booked_appointment()
    await Client.filter(id=appointment.client_id).update(  # type: ignore[attr-defined]
        timezone="Europe/Berlin"
    )
    earlier = await appointments.book(
        appointment.client_id,  # type: ignore[attr-defined]
        (await future_slot(await make_psychologist(name="Олег Петров"), hours_ahead=30)).id,
        MANAGER,
        require_own_hold=False,
    )
    await Appointment.filter(id=earlier.id).update(
        status=AppointmentStatus.CANCELLED, late_cancel=True, cancel_reason="Заболела"
    )
    await reviews.save_review(
        appointment.id, ReviewAuthor.CLIENT, MANAGER, rating=5, text="Очень помогло"
    )
    url = site.url("/app/board?lang=ru") + f"#token={await site.manager_token()}"
    await screen.run(open_board, url, appointment.id)

    def open_card_and_write(page: Page) -> None:
        page.locator(card_in("new", appointment.id)).click()
        drawer = page.locator("#drawer")
        expect(drawer.locator(".when")).to_contain_text("МСК")
        expect(drawer.locator(".client-time")).to_contain_text("Berlin")
        card = drawer.locator(".client-card")
        expect(card).not_to_have_attribute("aria-busy", "true")
        expect(card).to_contain_text("Карточка клиента")
        expect(card).to_contain_text("доходят до клиента")
        sessions = card.locator(".sessions li")
        expect(sessions).to_have_count(2)
        expect(sessions.nth(0)).to_contain_text("Новые")
        expect(sessions.nth(1)).to_contain_text("поздняя отмена")
        expect(sessions.nth(1)).to_contain_text("Заболела")
        expect(card.locator('[data-count="late_cancellations"]')).to_have_text("Поздних отмен: 1")
        expect(card.locator('[data-count="no_shows"]')).to_have_text("Неявок: 0")
        expect(card.locator(".reviews li")).to_contain_text("Отзыв клиента")
        expect(card.locator(".reviews li")).to_contain_text("★★★★★ Очень помогло")
        expect(card.locator(".notes")).to_contain_text("Заметок пока нет.")
        expect(card).not_to_contain_text("null")
        card.locator(".note-form textarea").fill("Просила звонить после 18:00")
        card.locator(".note-form button").click()
        expect(card.locator(".notes li").first).to_contain_text("Просила звонить после 18:00")
        expect(card.locator(".notes li")).to_have_count(1)
        expect(card.locator(".note-form textarea")).to_have_value("")
        # the appointment moves while a note is being written: the card follows, the draft stays
        card.locator(".note-form textarea").fill("Черновик")
        drawer.locator('.status-button[data-status="confirmed"]').click()
        expect(card.locator(".sessions li").first).to_contain_text("Подтверждены")
        expect(card.locator(".note-form textarea")).to_have_value("Черновик")

    await screen.run(open_card_and_write)
    await screen.screenshot("client-card")
    assert await ClientNote.filter(client_id=appointment.client_id).count() == 1  # type: ignore[attr-defined]

    def reload_and_see_the_note(page: Page) -> None:
        page.reload()
        page.locator(card_in("confirmed", appointment.id)).click()
        notes = page.locator("#drawer .client-card .notes li")
        expect(notes).to_have_count(1)
        expect(notes.first).to_contain_text("Просила звонить после 18:00")

    await screen.run(reload_and_see_the_note)


async def test_the_search_finds_a_client_by_phone_and_opens_the_card(
    site: Site, screen: Screen
) -> None:
    appointment = await booked_appointment()
    olga = await make_client(name="Ольга Белова", phone="+79265554433")
    url = site.url("/app/board?lang=ru") + f"#token={await site.manager_token()}"
    await screen.run(open_board, url, appointment.id)

    def search(page: Page) -> None:
        page.locator("#client-search input").fill("8 926 555")
        results = page.locator("#client-search .search-result")
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text("Ольга Белова")
        expect(results.first).to_contain_text("+79265554433")
        results.first.click()
        drawer = page.locator("#drawer")
        expect(drawer).to_be_visible()
        expect(drawer.locator("#drawer-title")).to_have_text("Ольга Белова")
        card = drawer.locator(f'.client-card[data-client-id="{olga.id}"]')
        expect(card).to_contain_text("Сессий пока нет.")
        page.locator("#client-search input").fill("Никого такого")
        expect(page.locator("#client-search .search-results")).to_contain_text(
            "Никого не нашлось."
        )

    await screen.run(search)
    await screen.screenshot("client-search")
