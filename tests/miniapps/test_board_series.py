"""The board marks the cards of a weekly series with a badge saying which of the series'
sessions it is, and the drawer says so too."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from db.models import Appointment
from domain.booking import series
from tests.harness.builders import future_slot, make_client, make_psychologist
from tests.harness.mini_apps import MANAGER, Screen, Site, card_in, open_board


async def test_a_series_card_shows_its_badge_and_the_drawer_names_the_series(
    site: Site, screen: Screen
) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова")
    client = await make_client(name="Мария Иванова", phone="+79001234567")
    first = await future_slot(psychologist, hours_ahead=30)
    await future_slot(psychologist, hours_ahead=30 + 24 * 7)
    made = await series.book_series(client.id, first.id, 2, MANAGER, require_own_hold=False)
    second = made.appointment_ids[1]
    single = await future_slot(psychologist, hours_ahead=54)
    lone = await Appointment.create(
        client=client, psychologist=psychologist, slot=single, starts_at=single.starts_at
    )
    url = site.url("/app/board?lang=ru") + f"#token={await site.manager_token()}"
    await screen.run(open_board, url, second)

    def sees_the_badge(page: Page) -> None:
        badge = page.locator(card_in("new", second) + " .badge.series")
        expect(badge).to_have_text("↻")
        expect(badge).to_have_attribute("title", "Еженедельная серия, 2 из 2")
        expect(page.locator(card_in("new", lone.id) + " .badge.series")).to_have_count(0)
        page.locator(card_in("new", second)).click()
        expect(page.locator("#drawer")).to_contain_text("Еженедельная серия, 2 из 2")

    await screen.run(sees_the_badge)
    await screen.screenshot("board-series")
