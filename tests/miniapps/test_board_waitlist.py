"""The board's waitlist tab in Chromium: a manager sees the line in order, with the client,
the psychologist or "any", the window, the state and an open offer's deadline."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from db.enums import Actor, ManagerRole
from db.models import Manager, Slot
from domain.booking import waitlist, waitlist_offers
from domain.booking.waitlist import Window
from domain.timerules import MSK, utcnow
from tests.harness.builders import make_client, make_psychologist
from tests.harness.mini_apps import Screen, Site

MANAGER = 7200


async def test_a_manager_sees_the_line_in_order(site: Site, screen: Screen) -> None:
    await Manager.create(telegram_id=MANAGER, name="Нина", role=ManagerRole.MANAGER)
    maria = await make_psychologist("Мария Иванова")
    today = utcnow().astimezone(MSK).date()
    first, second = await make_client(name="Анна"), await make_client(name="Борис")
    await waitlist.join(first.id, maria.id, Window(today, today + timedelta(days=7)))
    await waitlist.join(second.id, None, Window(today, today + timedelta(days=7), (5, 6), 600))
    await Slot.create(psychologist=maria, starts_at=utcnow() + timedelta(hours=30))
    await waitlist_offers.run_pass(15)
    token = site.token(Actor.MANAGER, MANAGER)

    def sees_the_line(page: Page) -> None:
        page.goto(site.url("/app/board?lang=en") + f"#token={token}")
        expect(page.locator("#board")).to_have_attribute("data-loaded", "true")
        page.get_by_role("tab", name="Waitlist").click()
        expect(page.locator("#waitlist-view")).to_be_visible()
        expect(page.locator("#filters")).to_be_hidden()
        rows = page.locator(".waitlist-row")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("1Анна")
        expect(rows.nth(0)).to_contain_text("offered a time")
        expect(rows.nth(0)).to_contain_text("Мария Иванова")
        expect(rows.nth(0)).to_contain_text("a time is held for them until")
        expect(rows.nth(1)).to_contain_text("2Борис")
        expect(rows.nth(1)).to_contain_text("waiting")
        expect(rows.nth(1)).to_contain_text("any psychologist")
        expect(rows.nth(1)).to_contain_text("Sat, Sun")
        expect(rows.nth(1)).to_contain_text("10:00–23:59")
        page.get_by_role("tab", name="Columns").click()
        expect(page.locator("#waitlist-view")).to_be_hidden()
        expect(page.locator("#filters")).to_be_visible()

    await screen.run(sees_the_line)
