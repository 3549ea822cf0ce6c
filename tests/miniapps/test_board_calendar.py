"""The board's calendar in Chromium: a session dragged onto a free slot of its psychologist is
rescheduled; a drop where the psychologist has no free slot, or on a slot taken meanwhile,
reverts with the reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from db.models import Appointment, Slot
from domain.booking import appointments
from domain.timerules import MSK, utcnow
from tests.harness.builders import make_client, make_psychologist
from tests.harness.mini_apps import MANAGER, Screen, Site


def at_msk(days_ahead: int, hour: int) -> datetime:
    day = utcnow().astimezone(MSK).date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, tzinfo=MSK)


def session_event(appointment_id: int) -> str:
    return f'.fc-event[data-appointment-id="{appointment_id}"]'


def free_slot(slot_id: int) -> str:
    return f'.free-slot[data-slot-id="{slot_id}"]'


# Calendar weeks (Monday first, in the browser's zone) from the current one to the day of `iso`.
_WEEKS_AHEAD_JS = """(iso) => {
  const midnight = (t) => { const d = new Date(t); d.setHours(0, 0, 0, 0); return d; };
  const today = midnight(Date.now());
  const monday = new Date(today);
  monday.setDate(today.getDate() - ((today.getDay() + 6) % 7));
  return Math.floor(Math.round((midnight(iso) - monday) / 864e5) / 7);
}"""


def open_calendar(page: Page, url: str, appointment_id: int, starts_at: datetime) -> None:
    page.goto(url)
    expect(page.locator("#board")).to_have_attribute("data-loaded", "true")
    page.get_by_role("tab", name="Calendar").click()
    expect(page.locator(".fc-timegrid")).to_be_visible()
    # The session lies two days ahead: possibly next week.
    for _ in range(page.evaluate(_WEEKS_AHEAD_JS, starts_at.isoformat())):
        page.locator(".fc-next-button").click()
    expect(page.locator(session_event(appointment_id))).to_be_visible()


def drag_onto(page: Page, source: str, target_top: float, target_x: float) -> None:
    """Take the session by its top edge and let it go just below `target_top`."""
    page.locator(source).scroll_into_view_if_needed()
    start = page.locator(source).bounding_box()
    assert start is not None
    grab_x, grab_y = start["x"] + start["width"] / 2, start["y"] + 4
    page.mouse.move(grab_x, grab_y)
    page.mouse.down()
    page.mouse.move(grab_x, grab_y + 10, steps=4)
    page.mouse.move(target_x, target_top + 6, steps=20)
    page.mouse.up()


def drag_to_slot(page: Page, source: str, slot_id: int) -> None:
    target = page.locator(free_slot(slot_id)).bounding_box()
    assert target is not None
    drag_onto(page, source, target["y"], target["x"] + target["width"] / 2)


async def test_a_session_dragged_in_the_calendar_is_rescheduled_and_illegal_drops_revert(
    site: Site, screen: Screen
) -> None:
    screen.expected_refusals.add(409)
    psychologist = await make_psychologist(name="Анна Смирнова")
    client = await make_client(name="Мария Иванова", phone="+79001234567")
    booked = await Slot.create(psychologist=psychologist, starts_at=at_msk(2, 10))
    target = await Slot.create(psychologist=psychologist, starts_at=at_msk(2, 13))
    soon_taken = await Slot.create(psychologist=psychologist, starts_at=at_msk(2, 15))
    other = await make_psychologist(name="Олег Петров")
    others_slot = await Slot.create(psychologist=other, starts_at=at_msk(2, 11))
    appointment = await appointments.book(client.id, booked.id, MANAGER, require_own_hold=False)
    url = site.url("/app/board?lang=en") + f"#token={await site.manager_token()}"
    await screen.run(open_calendar, url, appointment.id, appointment.starts_at)

    def drag_to_the_free_slot(page: Page) -> None:
        expect(page.locator(free_slot(target.id))).to_be_visible()
        drag_to_slot(page, session_event(appointment.id), target.id)
        expect(page.locator(free_slot(target.id))).to_have_count(0)
        expect(page.locator(free_slot(booked.id))).to_be_visible()

    await screen.run(drag_to_the_free_slot)
    await appointment.refresh_from_db()
    assert appointment.slot_id == target.id
    assert appointment.starts_at == target.starts_at
    await screen.screenshot("calendar-rescheduled", phone=False)

    def drop_on_another_psychologists_slot(page: Page) -> None:
        drag_to_slot(page, session_event(appointment.id), others_slot.id)
        toast = page.locator("#toast")
        expect(toast).to_contain_text("Анна Смирнова has no free slot at this time")

    await screen.run(drop_on_another_psychologists_slot)
    await appointment.refresh_from_db()
    assert appointment.slot_id == target.id

    # Another client starts booking the 15:00 slot while the page still shows it free.
    await appointments.hold_slot((await make_client()).id, soon_taken.id)

    def drop_on_the_slot_taken_meanwhile(page: Page) -> None:
        drag_to_slot(page, session_event(appointment.id), soon_taken.id)
        expect(page.locator("#toast")).to_contain_text("is being booked by another client")
        expect(page.locator(free_slot(soon_taken.id))).to_have_count(0)
        event = page.locator(session_event(appointment.id)).bounding_box()
        booked_before = page.locator(free_slot(booked.id)).bounding_box()
        assert event is not None and booked_before is not None
        # Back at 13:00: three hours below the freed 10:00 slot, not five.
        hour = booked_before["height"]
        assert abs(event["y"] - (booked_before["y"] + 3 * hour)) < hour / 2

    await screen.run(drop_on_the_slot_taken_meanwhile)
    await appointment.refresh_from_db()
    assert appointment.slot_id == target.id
    assert await Slot.filter(id=soon_taken.id).values_list("held_by_id", flat=True) != [None]
    assert await Appointment.filter(id=appointment.id).count() == 1
    await screen.screenshot("calendar-refused-drop")
