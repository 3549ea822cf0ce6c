"""The managers' board in Chromium: drag and drop through the status route, an illegal drop
snapping back with its reason, live cards from the WebSocket, the drawer, booking by phone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from db.enums import Actor, AppointmentStatus
from db.models import Appointment
from tests.harness.builders import future_slot, make_client, make_psychologist
from tests.harness.mini_apps import Screen, Site, booked_appointment, card_in, open_board


def drag(page: Page, source: str, target: str) -> None:
    """Press on the card, move in small steps as a hand would, release over the column."""
    start = page.locator(source).bounding_box()
    end = page.locator(target).bounding_box()
    assert start is not None and end is not None
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 8, start["y"] + start["height"] / 2, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 60, steps=20)
    page.mouse.up()


async def test_a_card_dragged_to_confirmed_is_confirmed_and_an_illegal_drop_snaps_back(
    site: Site, screen: Screen
) -> None:
    screen.expected_refusals.add(409)
    appointment = await booked_appointment()
    url = site.url("/app/board") + f"#token={await site.manager_token()}"
    await screen.run(open_board, url, appointment.id)

    def drag_to_confirmed(page: Page) -> None:
        drag(page, card_in("new", appointment.id), '.cards[data-status="confirmed"]')
        card = page.locator(card_in("confirmed", appointment.id))
        expect(card).to_be_visible()
        expect(card).not_to_have_class(re.compile("saving"))
        expect(page.locator('.column[data-status="confirmed"] .count')).to_have_text("1")

    await screen.run(drag_to_confirmed)
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED

    def drag_back_to_new(page: Page) -> None:
        drag(page, card_in("confirmed", appointment.id), '.cards[data-status="new"]')
        expect(page.locator("#toast")).to_contain_text(
            "cannot move an appointment from confirmed to new"
        )
        expect(page.locator(card_in("confirmed", appointment.id))).to_be_visible()
        expect(page.locator(card_in("new", appointment.id))).to_have_count(0)

    await screen.run(drag_back_to_new)
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    await screen.screenshot("board-refused-drop")


async def test_a_booking_made_through_the_api_appears_on_an_open_board(
    site: Site, screen: Screen
) -> None:
    first = await booked_appointment()
    url = site.url("/app/board") + f"#token={await site.manager_token()}"
    await screen.run(open_board, url, first.id)

    psychologist = await make_psychologist(name="Олег Петров")
    client = await make_client(name="Ирина Соколова")
    slot = await future_slot(psychologist, hours_ahead=30)
    answer = await site.http.post(
        site.url("/api/v1/appointments"),
        json={"slot_id": slot.id},
        headers={"Authorization": f"Bearer {site.token(Actor.CLIENT, client.telegram_id)}"},
    )
    assert answer.status == 201
    created = (await answer.json())["id"]

    def sees_new_card(page: Page) -> None:
        card = page.locator(card_in("new", created))
        expect(card).to_contain_text("Ирина Соколова")
        expect(card).to_contain_text("Олег Петров")
        expect(page.locator('.column[data-status="new"] .count')).to_have_text("2")

    await screen.run(sees_new_card)
    await screen.screenshot("board-live-card")


async def test_a_drop_on_cancelled_asks_first_in_a_dialog_of_the_page(
    site: Site, screen: Screen
) -> None:
    appointment = await booked_appointment()
    url = site.url("/app/board?lang=ru") + f"#token={await site.manager_token()}"
    await screen.run(open_board, url, appointment.id)

    def says_no(page: Page) -> None:
        drag(page, card_in("new", appointment.id), '.cards[data-status="cancelled"]')
        question = page.get_by_role("alertdialog")
        expect(question).to_contain_text("Отменить сессию клиента Мария Иванова")
        expect(question).to_contain_text("Клиент узнает об этом сразу.")
        question.get_by_role("button", name="Нет").click()
        expect(question).to_have_count(0)
        expect(page.locator(card_in("new", appointment.id))).to_be_visible()
        expect(page.locator(card_in("new", appointment.id))).not_to_have_class(
            re.compile("saving")
        )
        expect(page.locator('.column[data-status="cancelled"] .count')).to_have_text("0")

    await screen.run(says_no)
    assert (await Appointment.get(id=appointment.id)).status == AppointmentStatus.NEW

    def says_yes(page: Page) -> None:
        drag(page, card_in("new", appointment.id), '.cards[data-status="cancelled"]')
        page.get_by_role("alertdialog").get_by_role("button", name="Да").click()
        expect(page.locator(card_in("cancelled", appointment.id))).to_be_visible()
        expect(page.locator('.column[data-status="cancelled"] .count')).to_have_text("1")

    await screen.run(says_yes)
    assert (await Appointment.get(id=appointment.id)).status == AppointmentStatus.CANCELLED
