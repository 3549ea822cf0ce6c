"""A card's history: GET /api/v1/appointments/{id}/history from the audit log (who, what,
when), and the board's drawer listing it."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from playwright.sync_api import Page, expect

from db.enums import Actor, AppointmentStatus, ManagerRole, ReviewAuthor
from db.models import Manager, Psychologist, Slot
from domain.booking import appointments, client_booking, reviews
from tests.harness.api_callers import bearer
from tests.harness.builders import BY_CLIENT, future_slot, make_client, make_psychologist
from tests.harness.mini_apps import MANAGER, Screen, Site, card_in

MANAGER_ID = int(MANAGER.ref)


async def booked_confirmed_and_moved() -> tuple[int, Slot, Slot]:
    """An appointment a manager booked, moved to another slot, confirmed, and marked
    completed once the session was over."""
    await Manager.create(telegram_id=MANAGER_ID, name="Ольга Кузнецова", role=ManagerRole.MANAGER)
    psychologist = await make_psychologist(name="Анна Смирнова")
    client = await make_client(name="Мария Иванова", phone="+79001234567")
    first = await future_slot(psychologist, hours_ahead=48)
    second = await Slot.create(
        psychologist=psychologist, starts_at=first.starts_at + timedelta(hours=3)
    )
    appointment = await appointments.book(client.id, first.id, MANAGER, require_own_hold=False)
    await appointments.reschedule(appointment.id, second.id, MANAGER)
    await appointments.change_status(appointment.id, AppointmentStatus.CONFIRMED, MANAGER)
    after = second.starts_at + timedelta(hours=2)
    await appointments.change_status(
        appointment.id, AppointmentStatus.COMPLETED, MANAGER, now=after
    )
    return appointment.id, first, second


async def test_the_history_says_who_did_what_and_when(web_client: TestClient) -> None:
    appointment_id, first, second = await booked_confirmed_and_moved()
    answer = await web_client.get(
        f"/api/v1/appointments/{appointment_id}/history",
        headers=bearer(web_client, Actor.MANAGER, MANAGER_ID),
    )
    assert answer.status == 200
    history = await answer.json()
    assert [entry["action"] for entry in history] == [
        "appointment.created",
        "appointment.rescheduled",
        "appointment.confirmed",
        "appointment.status",
    ]
    for entry in history:
        assert (entry["actor"], entry["actor_name"], entry["actor_ref"], entry["source"]) == (
            "manager",
            "Ольга Кузнецова",
            str(MANAGER_ID),
            "test",
        )
        assert entry["at"]
    assert history[3]["details"] == {"previous": "confirmed", "status": "completed"}
    moved = history[1]["details"]
    assert (moved["from_slot"], moved["to_slot"]) == (first.id, second.id)
    assert moved["from_starts_at"] == first.starts_at.isoformat()
    assert moved["to_starts_at"] == second.starts_at.isoformat()


async def test_the_history_is_for_staff_and_of_existing_appointments(
    web_client: TestClient,
) -> None:
    appointment_id, _, _ = await booked_confirmed_and_moved()
    path = f"/api/v1/appointments/{appointment_id}/history"
    assert (await web_client.get(path)).status == 401
    client_call = await web_client.get(path, headers=bearer(web_client, Actor.CLIENT, 1))
    assert client_call.status == 403
    missing = await web_client.get(
        "/api/v1/appointments/999999/history",
        headers=bearer(web_client, Actor.MANAGER, MANAGER_ID),
    )
    assert missing.status == 404
    assert (await missing.json())["field"] == "id"


async def test_the_drawer_lists_the_cards_history(site: Site, screen: Screen) -> None:
    appointment_id, _, _ = await booked_confirmed_and_moved()
    url = site.url("/app/board?lang=ru") + f"#token={site.token(Actor.MANAGER, MANAGER_ID)}"

    def open_drawer(page: Page) -> None:
        page.goto(url)
        page.locator(card_in("completed", appointment_id)).click()
        entries = page.locator("#drawer .history li")
        expect(entries).to_have_count(4)
        expect(entries.nth(0)).to_contain_text("Забронировано")
        expect(entries.nth(0)).to_contain_text("менеджер · Ольга Кузнецова")
        expect(entries.nth(1)).to_contain_text("Перенесена с ")
        expect(entries.nth(2)).to_contain_text("Отмечена как подтверждённая")
        expect(entries.nth(3)).to_contain_text("Перенесена из «Подтверждены» в «Выполнено»")

    await screen.run(open_drawer)
    await screen.screenshot("drawer-history")


async def test_the_drawer_names_reviews_and_a_late_cancel(site: Site, screen: Screen) -> None:
    appointment_id, _, second = await booked_confirmed_and_moved()
    await reviews.save_review(appointment_id, ReviewAuthor.CLIENT, BY_CLIENT, rating=5)
    await reviews.save_review(appointment_id, ReviewAuthor.PSYCHOLOGIST, MANAGER, rating=4)
    psychologist = await Psychologist.get(id=second.psychologist_id)
    client = await make_client(name="Пётр Орлов", phone="+79001234568")
    soon = await future_slot(psychologist, hours_ahead=5)
    late = await appointments.book(client.id, soon.id, MANAGER, require_own_hold=False)
    await client_booking.cancel_own(
        client.id, late.id, BY_CLIENT, reason="заболел", late_cancel_hours=24
    )
    url = site.url("/app/board?lang=ru") + f"#token={site.token(Actor.MANAGER, MANAGER_ID)}"

    def read_histories(page: Page) -> None:
        page.goto(url)
        page.locator(card_in("completed", appointment_id)).click()
        entries = page.locator("#drawer .history li")
        expect(entries).to_have_count(6)
        expect(entries.nth(4)).to_contain_text("Клиент оценил сессию")
        expect(entries.nth(5)).to_contain_text("Психолог оценил сессию")
        page.locator("#drawer .close").click()
        page.locator(card_in("cancelled", late.id)).click()
        cancelled = page.locator("#drawer .history li").last
        expect(cancelled).to_contain_text("Клиент отменил незадолго до начала (поздняя отмена)")
        expect(cancelled).to_contain_text("заболел")

    await screen.run(read_histories)
