"""The schedule editor in Chromium: adding and removing a slot by tapping the week grid, a
booked slot's ticket, the refusal to remove it, and the editor link's secret."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from db.enums import Actor
from db.models import Psychologist, Slot, Ticket
from domain.audit import Initiator
from domain.booking import appointments
from domain.people import psychologists
from domain.timerules import utcnow, week_start
from tests.harness.builders import make_client, make_psychologist
from tests.harness.mini_apps import Screen, Site

ZONE = ZoneInfo("Asia/Yekaterinburg")


def next_monday() -> date:
    return week_start(utcnow().astimezone(ZONE).date()) + timedelta(days=7)


def cell(local: str) -> str:
    return f'.cell[data-slot="{local}"]'


async def slots_of(psychologist: Psychologist) -> list[datetime]:
    found = await Slot.filter(psychologist_id=psychologist.id).values_list("starts_at", flat=True)
    return [starts_at.astimezone(ZONE) for starts_at in found]


def open_next_week(page: Page, url: str, monday: date) -> None:
    page.goto(url)
    expect(page.locator(".cell").first).to_be_visible()
    page.click("#next-week")
    expect(page.locator(cell(f"{monday}T10:00"))).to_be_visible()


async def test_tapping_an_empty_cell_adds_a_slot_and_tapping_it_again_removes_it(
    site: Site, screen: Screen
) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова", timezone=ZONE.key)
    token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)
    monday = next_monday()
    local = f"{monday}T10:00"
    await screen.run(open_next_week, site.url("/app/editor?lang=ru") + f"#token={token}", monday)

    def add(page: Page) -> None:
        page.click(cell(local))
        expect(page.locator(cell(local))).to_have_attribute("data-status", "free")

    await screen.run(add)
    assert await slots_of(psychologist) == [
        datetime(monday.year, monday.month, monday.day, 10, tzinfo=ZONE)
    ]
    await screen.screenshot("editor-slot-added")

    def remove(page: Page) -> None:
        page.click(cell(local))
        expect(page.locator(cell(local))).to_have_attribute("data-status", "empty")

    await screen.run(remove)
    assert await slots_of(psychologist) == []


async def test_a_booked_slot_shows_its_ticket_and_cannot_be_removed(
    site: Site, screen: Screen
) -> None:
    screen.expected_refusals.add(409)
    psychologist = await make_psychologist(name="Анна Смирнова", timezone=ZONE.key)
    monday = next_monday()
    tuesday_noon = datetime(monday.year, monday.month, monday.day, 12, tzinfo=ZONE) + timedelta(
        days=1
    )
    slot = await Slot.create(psychologist=psychologist, starts_at=tuesday_noon)
    client = await make_client(name="Мария Иванова")
    ticket = await Ticket.create(
        number="L-1001", client=client, queries=["тревога", "сон"], psychologist=psychologist
    )
    await appointments.book(
        client.id, slot.id, Initiator(Actor.CLIENT), ticket_id=ticket.id, require_own_hold=False
    )
    token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)
    local = f"{monday + timedelta(days=1)}T12:00"
    await screen.run(open_next_week, site.url("/app/editor?lang=ru") + f"#token={token}", monday)

    def see_ticket_and_fail_to_remove(page: Page) -> None:
        booked = page.locator(cell(local))
        expect(booked).to_have_attribute("data-status", "booked")
        booked.click()
        drawer = page.locator("#ticket")
        expect(drawer).to_contain_text("Мария")
        expect(drawer).to_contain_text("тревога, сон")
        expect(drawer).to_contain_text("L-1001")
        drawer.locator(".remove-booked").click()
        expect(page.locator("#toast")).to_contain_text(
            "Слот забронирован, поэтому его нельзя удалить"
        )

    await screen.run(see_ticket_and_fail_to_remove)
    assert await Slot.exists(id=slot.id)
    await screen.screenshot("editor-booked-ticket")


async def test_the_editor_link_secret_opens_the_editor_in_a_plain_browser(
    site: Site, screen: Screen
) -> None:
    psychologist = await make_psychologist(name="Олег Петров", timezone=ZONE.key)
    secret = "editor-secret-of-oleg-0123456789"
    psychologist.secret_hash = psychologists.hash_secret(secret)
    await psychologist.save(update_fields=["secret_hash"])
    monday = next_monday()
    url = psychologists.editor_url(site.url(""), secret)

    def add_with_secret(page: Page) -> None:
        open_next_week(page, url, monday)
        assert "secret" not in page.url  # the one-time key leaves the address bar
        page.click(cell(f"{monday}T18:00"))
        expect(page.locator(cell(f"{monday}T18:00"))).to_have_attribute("data-status", "free")

    await screen.run(add_with_secret)
    assert len(await slots_of(psychologist)) == 1
