"""Calendar feeds over real HTTP: the caller's feed address, and the feed read back with the
icalendar library: exactly the person's sessions of the window, cancelled and moved ones as a
calendar must see them."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from icalendar import Calendar

from db.enums import Actor, AppointmentStatus
from db.models import Appointment, Psychologist
from domain.booking import appointments
from tests.harness.api_callers import Api
from tests.harness.builders import (
    BY_CLIENT,
    future_slot,
    hours_from_now,
    make_client,
    make_psychologist,
)

LINK = "/api/v1/calendar/link"
HOST = "127.0.0.1"  # of the test settings' base URL


async def _book(client_id: int, psychologist: Psychologist, hours_ahead: float) -> Appointment:
    slot = await future_slot(psychologist, hours_ahead)
    return await appointments.book(
        client_id,
        slot.id,
        BY_CLIENT,
        require_own_hold=False,
        meeting_link="https://meet.example/r",
    )


async def _past(client_id: int, psychologist: Psychologist, days_ago: int) -> Appointment:
    """A session that took place `days_ago` days ago (booking refuses a past time)."""
    return await Appointment.create(
        client_id=client_id,
        psychologist=psychologist,
        starts_at=hours_from_now(-24 * days_ago),
        status=AppointmentStatus.COMPLETED,
    )


async def _feed(api: Api, headers: dict[str, str]) -> tuple[str, Calendar]:
    answer = await api.http.get(LINK, headers=headers)
    assert answer.status == 200, await answer.text()
    url = (await answer.json())["url"]
    path = urlsplit(url).path
    feed = await api.http.get(path)
    assert feed.status == 200, await feed.text()
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.headers["Cache-Control"].startswith("private, max-age=")
    return url, Calendar.from_ical(await feed.read())


def _events(calendar: Calendar) -> dict[str, dict]:
    return {
        str(event["UID"]): {
            "start": event.decoded("DTSTART"),
            "in_utc": event["DTSTART"].to_ical().endswith(b"Z"),
            "end": event.decoded("DTEND"),
            "summary": str(event["SUMMARY"]),
            "status": str(event["STATUS"]),
            "sequence": int(event.get("SEQUENCE", 0)),
            "url": str(event.get("URL", "")),
        }
        for event in calendar.walk("VEVENT")
    }


def _uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.id}@{HOST}"


async def test_a_clients_feed_holds_exactly_its_sessions_of_the_window(api: Api) -> None:
    psychologist = await make_psychologist("Анна Смирнова")
    client, headers = await api.client(name="Ольга Петрова")
    other, _ = await api.client()
    soon = await _book(client.id, psychologist, 48)
    cancelled = await _book(client.id, psychologist, 24 * 10)
    await appointments.cancel(cancelled.id, BY_CLIENT, reason="не смогу")
    moved = await _book(client.id, psychologist, 24 * 5)
    recent = await _past(client.id, psychologist, 20)
    await _past(client.id, psychologist, 40)  # older than 30 days: not in the feed
    far = await future_slot(psychologist, 24 * 95)  # beyond 90 days
    await Appointment.create(
        client_id=client.id, psychologist=psychologist, slot=far, starts_at=far.starts_at
    )
    others = await _book(other.id, psychologist, 72)

    url, before = await _feed(api, headers)
    assert url.startswith(f"{api.settings.base_url}/api/v1/calendar/feeds/")
    events = _events(before)
    assert set(events) == {_uid(a) for a in (soon, cancelled, moved, recent)}
    assert _uid(others) not in events
    assert events[_uid(cancelled)]["status"] == "CANCELLED"
    assert events[_uid(soon)]["status"] == "CONFIRMED"
    assert events[_uid(soon)]["summary"] == "Сессия с психологом Анна Смирнова"
    assert events[_uid(soon)]["url"] == "https://meet.example/r"
    assert events[_uid(soon)]["start"] == soon.starts_at
    assert all(event["in_utc"] for event in events.values())
    assert events[_uid(soon)]["end"] == soon.starts_at + timedelta(hours=1)
    assert events[_uid(cancelled)]["sequence"] > events[_uid(soon)]["sequence"]

    later = await future_slot(psychologist, 24 * 6)
    await appointments.reschedule(moved.id, later.id, BY_CLIENT)
    again, after = await _feed(api, headers)
    assert again == url  # the same feed: a subscribed calendar keeps working
    moved_now = _events(after)[_uid(moved)]
    assert moved_now["start"] == later.starts_at
    assert moved_now["sequence"] > events[_uid(moved)]["sequence"]


async def test_a_psychologists_feed_names_each_client_by_first_name(api: Api) -> None:
    headers = await api.signed_in(Actor.PSYCHOLOGIST, 880_001)
    psychologist = await Psychologist.get(telegram_id=880_001)
    first = await make_client(name="Ольга Петрова")
    second = await make_client(name="Иван")
    one = await _book(first.id, psychologist, 30)
    two = await _book(second.id, psychologist, 54)
    elsewhere = await _book(first.id, await make_psychologist(), 78)

    _, calendar = await _feed(api, headers)

    events = _events(calendar)
    assert set(events) == {_uid(one), _uid(two)}
    assert _uid(elsewhere) not in events
    assert events[_uid(one)]["summary"] == "Сессия с клиентом Ольга"
    assert events[_uid(two)]["summary"] == "Сессия с клиентом Иван"

    # deactivated, the psychologist's feed ends with their access
    url = (await (await api.http.get(LINK, headers=headers)).json())["url"]
    await Psychologist.filter(id=psychologist.id).update(is_active=False)
    assert (await api.http.get(urlsplit(url).path)).status == 404


async def test_the_link_is_for_clients_and_psychologists_only(api: Api) -> None:
    assert (await api.http.get(LINK)).status == 401
    manager = await api.manager()
    answer = await api.http.get(LINK, headers=manager)
    assert answer.status == 403
    assert (await answer.json())["reason"]
    # a client token of somebody not registered is refused too
    stranger = api.auth(Actor.CLIENT, 880_999)
    assert (await api.http.get(LINK, headers=stranger)).status in {401, 403}


async def test_an_unknown_feed_is_a_404(api: Api) -> None:
    _, headers = await api.client()
    await _feed(api, headers)
    for token in ("A" * 43, "abc", "../" + "a" * 40):
        answer = await api.http.get(f"/api/v1/calendar/feeds/{token}.ics")
        assert answer.status == 404, token
        assert (await answer.json())["reason"]
