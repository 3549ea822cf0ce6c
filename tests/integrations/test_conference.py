"""/generate-conference-link and the provider chain, against stub Zoom and Google servers on
loopback (their real HTTP protocols: Server-to-Server OAuth, service-account JWT); the Google
Calendar event of a Meet link following a reschedule or a cancel through the due events."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from db.enums import Actor, EventKind, EventState
from db.models import Appointment, ScheduledEvent, Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.followup.events import RETRY_BACKOFF, EventLinks, run_due_events
from domain.timerules import utcnow
from tests.harness.builders import make_client
from tests.harness.integrations import add_slots, fill_anketa, instant, next_monday, slot_at
from webapp.conference_providers import google_calendar
from webapp.keys import SERVICES

BY_CLIENT = Initiator(Actor.CLIENT, source="test")
ZOOM_LINK = "https://zoom.us/j/98765"
MEET_LINK = "https://meet.google.com/abc-defg-hij"


@dataclass
class Stubs:
    """What the stub providers were asked, and what Zoom's account already holds."""

    url: str
    public_key: Any
    zoom_meetings: list[dict[str, Any]] = field(default_factory=list)
    zoom_oauth_status: int = 200
    zoom_join_url: str = ZOOM_LINK
    oauth_calls: list[dict[str, str]] = field(default_factory=list)
    zoom_created: list[dict[str, Any]] = field(default_factory=list)
    google_claims: list[dict[str, Any]] = field(default_factory=list)
    google_events: list[dict[str, Any]] = field(default_factory=list)
    google_patched: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    google_deleted: list[str] = field(default_factory=list)
    # What Google answers to the next changes of an event, in turn (then 200 / 204).
    google_change_answers: list[int] = field(default_factory=list)
    # Run while Google makes an event: what happens to the session meanwhile.
    meanwhile: Callable[[], Awaitable[object]] | None = None


def _stub_app(stubs: Stubs) -> web.Application:
    routes = web.RouteTableDef()

    @routes.post("/zoom/oauth/token")
    async def zoom_token(request: web.Request) -> web.Response:
        scheme, _, encoded = request.headers["Authorization"].partition(" ")
        login, _, password = base64.b64decode(encoded).decode().partition(":")
        assert scheme == "Basic"
        stubs.oauth_calls.append({**request.query, "login": login, "pw": password})
        if stubs.zoom_oauth_status != 200:
            return web.json_response({"reason": "down"}, status=stubs.zoom_oauth_status)
        return web.json_response({"access_token": "zoom-token", "expires_in": 3600})

    @routes.get("/zoom/v2/users/me/meetings")
    async def zoom_list(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer zoom-token"
        assert request.query["type"] == "upcoming"
        return web.json_response({"meetings": stubs.zoom_meetings, "next_page_token": ""})

    @routes.post("/zoom/v2/users/me/meetings")
    async def zoom_create(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer zoom-token"
        stubs.zoom_created.append(await request.json())
        return web.json_response({"id": 98765, "join_url": stubs.zoom_join_url}, status=201)

    @routes.post("/google/token")
    async def google_token(request: web.Request) -> web.Response:
        form = await request.post()
        assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        claims = jwt.decode(
            str(form["assertion"]),
            stubs.public_key,
            algorithms=["RS256"],
            audience=f"{stubs.url}/google/token",
        )
        stubs.google_claims.append(claims)
        return web.json_response({"access_token": "google-token", "expires_in": 3600})

    @routes.post("/google/calendar/v3/calendars/primary/events")
    async def google_event(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer google-token"
        assert request.query["conferenceDataVersion"] == "1"
        stubs.google_events.append(await request.json())
        if stubs.meanwhile is not None:
            await stubs.meanwhile()
        return web.json_response(
            {
                "id": "event-1",
                "hangoutLink": MEET_LINK,
                "conferenceData": {
                    "conferenceId": "abc-defg-hij",
                    "entryPoints": [{"entryPointType": "video", "uri": MEET_LINK}],
                },
            }
        )

    @routes.patch("/google/calendar/v3/calendars/primary/events/{event_id}")
    async def google_patch(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer google-token"
        stubs.google_patched.append((request.match_info["event_id"], await request.json()))
        status = stubs.google_change_answers.pop(0) if stubs.google_change_answers else 200
        return web.json_response({"id": request.match_info["event_id"]}, status=status)

    @routes.delete("/google/calendar/v3/calendars/primary/events/{event_id}")
    async def google_delete(request: web.Request) -> web.Response:
        assert request.headers["Authorization"] == "Bearer google-token"
        stubs.google_deleted.append(request.match_info["event_id"])
        status = stubs.google_change_answers.pop(0) if stubs.google_change_answers else 204
        return web.Response(status=status)

    app = web.Application()
    app.add_routes(routes)
    return app


@pytest.fixture
async def stubs(web_client: TestClient, tmp_path: Path) -> AsyncIterator[Stubs]:
    """Stub Zoom and Google on loopback, and the app's settings pointing at them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    account = tmp_path / "service-account.json"
    account.write_text(
        json.dumps(
            {"client_email": "bot@project.iam.gserviceaccount.com", "private_key": pem},
        ),
        encoding="utf-8",
    )
    stub = Stubs(url="", public_key=key.public_key())
    server = TestServer(_stub_app(stub))
    await server.start_server()
    stub.url = str(server.make_url("")).rstrip("/")
    settings = web_client.app[SERVICES].settings
    settings.zoom_account_id, settings.zoom_client_id = "acc-1", "client-1"
    settings.zoom_client_secret = SecretStr("zoom-secret")
    settings.zoom_api_base = f"{stub.url}/zoom/v2"
    settings.zoom_oauth_url = f"{stub.url}/zoom/oauth/token"
    settings.google_service_account_file = str(account)
    settings.google_api_base = f"{stub.url}/google/calendar/v3"
    settings.google_token_url = f"{stub.url}/google/token"
    try:
        yield stub
    finally:
        await server.close()


async def _booked_slot(web_client: TestClient, headers: dict[str, str]) -> tuple[int, datetime]:
    psy = await fill_anketa(web_client, headers, "Анна Иванова", 9001)
    monday = next_monday()
    [slot_id] = await add_slots(web_client, psy, slot_at(monday, 10))
    await appointments.book((await make_client()).id, slot_id, BY_CLIENT, require_own_hold=False)
    return slot_id, instant(monday, 10)


async def _link(web_client: TestClient, headers: dict[str, str], slot_id: int) -> dict:
    answer = await web_client.post(
        "/generate-conference-link", json={"slot_id": slot_id}, headers=headers
    )
    assert answer.status == 200, await answer.text()
    return await answer.json()


async def test_zoom_first_when_its_account_is_free(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    slot_id, starts = await _booked_slot(web_client, token_headers)
    stubs.zoom_meetings = [
        {
            "id": 1,
            "type": 2,
            "start_time": (starts - timedelta(hours=1)).isoformat(),
            "duration": 60,
        }
    ]

    body = await _link(web_client, token_headers, slot_id)

    assert (body["provider"], body["meeting_link"], body["meeting_id"]) == (
        "zoom",
        ZOOM_LINK,
        "98765",
    )
    assert stubs.oauth_calls == [
        {
            "grant_type": "account_credentials",
            "account_id": "acc-1",
            "login": "client-1",
            "pw": "zoom-secret",
        }
    ]
    [created] = stubs.zoom_created
    assert (created["type"], created["duration"]) == (2, 60)
    assert created["start_time"] == starts.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert stubs.google_events == []
    assert (await Appointment.get(slot_id=slot_id)).meeting_link == ZOOM_LINK


@pytest.mark.parametrize(
    "meeting",
    [
        {"id": 2, "type": 2, "offset_min": 30, "duration": 60},  # overlaps the session
        {"id": 3, "type": 8, "offset_min": 24 * 60, "duration": 30},  # a recurring meeting
        {"id": 4, "type": 3},  # recurring without a fixed time
    ],
)
async def test_google_meet_on_a_zoom_conflict_or_recurring_meeting(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs, meeting: dict
) -> None:
    slot_id, starts = await _booked_slot(web_client, token_headers)
    listed = {"id": meeting["id"], "type": meeting["type"]}
    if "offset_min" in meeting:
        listed["start_time"] = (starts + timedelta(minutes=meeting["offset_min"])).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        listed["duration"] = meeting["duration"]
    stubs.zoom_meetings = [listed]

    body = await _link(web_client, token_headers, slot_id)

    assert (body["provider"], body["meeting_link"]) == ("google_meet", MEET_LINK)
    assert (body["meeting_id"], body["calendar_meeting_id"]) == ("abc-defg-hij", "event-1")
    assert stubs.zoom_created == []
    [claims] = stubs.google_claims
    assert claims["iss"] == "bot@project.iam.gserviceaccount.com"
    assert claims["scope"] == "https://www.googleapis.com/auth/calendar"
    [event] = stubs.google_events
    request = event["conferenceData"]["createRequest"]
    assert request["conferenceSolutionKey"] == {"type": "hangoutsMeet"}
    assert event["start"]["dateTime"] == starts.strftime("%Y-%m-%dT%H:%M:%SZ")
    stored = await Appointment.get(slot_id=slot_id)
    assert (stored.meeting_link, stored.calendar_meeting_id) == (MEET_LINK, "event-1")


async def test_jitsi_when_zoom_fails_and_google_is_not_configured(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    slot_id, _ = await _booked_slot(web_client, token_headers)
    stubs.zoom_oauth_status = 500
    web_client.app[SERVICES].settings.google_service_account_file = ""

    body = await _link(web_client, token_headers, slot_id)

    assert body["provider"] == "jitsi"
    assert body["meeting_link"].startswith("https://meet.jit.si/hraniteli-")
    assert len(stubs.oauth_calls) == 1


async def test_a_provider_link_that_is_not_http_hands_over_to_the_next(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    slot_id, _ = await _booked_slot(web_client, token_headers)
    stubs.zoom_join_url = "javascript:alert(document.domain)"

    body = await _link(web_client, token_headers, slot_id)

    assert (body["provider"], body["meeting_link"]) == ("google_meet", MEET_LINK)
    assert len(stubs.zoom_created) == 1


async def test_jitsi_with_nothing_configured_and_the_link_is_kept(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    slot_id, starts = await _booked_slot(web_client, token_headers)
    first = await _link(web_client, token_headers, slot_id)
    room = first["meeting_link"].removeprefix("https://meet.jit.si/")
    assert first["provider"] == "jitsi"
    assert len(room) >= 30 and room.replace("-", "").isalnum()

    again = await _link(web_client, token_headers, slot_id)
    assert (again["provider"], again["meeting_link"]) == ("existing", first["meeting_link"])

    # A rescheduled session keeps its link.
    appointment = await Appointment.get(slot_id=slot_id)
    later = await Slot.create(
        psychologist_id=appointment.psychologist_id, starts_at=starts + timedelta(hours=3)
    )
    await appointments.reschedule(appointment.id, later.id, BY_CLIENT)
    moved = await _link(web_client, token_headers, later.id)
    assert (moved["provider"], moved["meeting_link"]) == ("existing", first["meeting_link"])
    # A Jitsi room has no calendar event to follow the move.
    assert not await ScheduledEvent.filter(kind=EventKind.CALENDAR_SYNC).exists()
    other = await _link(web_client, token_headers, (await _second_booking(web_client)))
    assert other["meeting_link"] != first["meeting_link"]


async def _second_booking(web_client: TestClient) -> int:
    appointment = await Appointment.first()
    assert appointment is not None
    slot = await Slot.create(
        psychologist_id=appointment.psychologist_id,
        starts_at=appointment.starts_at + timedelta(days=1),
    )
    await appointments.book((await make_client()).id, slot.id, BY_CLIENT, require_own_hold=False)
    return slot.id


async def test_conference_link_refuses_bad_input_unknown_bookings_and_no_token(
    web_client: TestClient, token_headers: dict[str, str]
) -> None:
    slot_id, _ = await _booked_slot(web_client, token_headers)
    path = "/generate-conference-link"
    assert (await web_client.post(path, json={"slot_id": slot_id})).status == 401
    cases = [
        ({}, 400, "slot_id"),
        ({"lead_number": ""}, 400, "slot_id"),
        ({"slot_id": "abc"}, 400, "slot_id"),
        ({"slot_id": slot_id + 100}, 404, "slot_id"),
        ({"lead_number": "nope"}, 404, "lead_number"),
    ]
    for body, status, named in cases:
        answer = await web_client.post(path, json=body, headers=token_headers)
        assert answer.status == status, body
        assert (await answer.json()).get("field") == named, body
    assert (await Appointment.get(slot_id=slot_id)).meeting_link == ""


def _utc(instant: datetime) -> dict[str, str]:
    return {"dateTime": instant.strftime("%Y-%m-%dT%H:%M:%SZ"), "timeZone": "UTC"}


async def _meet_session(
    web_client: TestClient, headers: dict[str, str], stubs: Stubs
) -> tuple[Appointment, EventLinks]:
    """A booked session with a Meet link (Zoom is down), and the due events' links as the
    composition root makes them from the settings."""
    slot_id, _ = await _booked_slot(web_client, headers)
    stubs.zoom_oauth_status = 500
    assert (await _link(web_client, headers, slot_id))["calendar_meeting_id"] == "event-1"
    settings = web_client.app[SERVICES].settings
    return await Appointment.get(slot_id=slot_id), EventLinks(calendar=google_calendar(settings))


async def _move(appointment: Appointment, now: datetime) -> Slot:
    later = await Slot.create(
        psychologist_id=appointment.psychologist_id,
        starts_at=appointment.starts_at + timedelta(hours=3),
        duration_min=50,
    )
    await appointments.reschedule(appointment.id, later.id, BY_CLIENT, now=now)
    return later


async def _sync(appointment: Appointment) -> tuple[EventState, str]:
    row = await ScheduledEvent.get(appointment_id=appointment.id, kind=EventKind.CALENDAR_SYNC)
    return row.state, row.outcome


async def test_a_moved_session_moves_its_google_event_once(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    appointment, links = await _meet_session(web_client, token_headers, stubs)
    now = utcnow()
    later = await _move(appointment, now)

    await run_due_events(now=now, links=links)
    await run_due_events(now=now + timedelta(minutes=10), links=links)

    ends = later.starts_at + timedelta(minutes=50)
    assert stubs.google_patched == [
        ("event-1", {"start": _utc(later.starts_at), "end": _utc(ends)})
    ]
    assert stubs.google_deleted == []
    assert await _sync(appointment) == (
        EventState.DONE,
        f"moved the calendar event to {later.starts_at.isoformat()}",
    )


async def test_a_cancelled_session_removes_its_google_event_once(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    appointment, links = await _meet_session(web_client, token_headers, stubs)
    now = utcnow()
    # Moved, then cancelled before the runner came by: the event is only removed.
    await _move(appointment, now)
    await appointments.cancel(appointment.id, BY_CLIENT, now=now)

    await run_due_events(now=now, links=links)
    await run_due_events(now=now + timedelta(minutes=10), links=links)

    assert (stubs.google_patched, stubs.google_deleted) == ([], ["event-1"])
    assert await _sync(appointment) == (EventState.DONE, "removed the calendar event")


async def test_a_google_failure_is_retried_after_the_backoff(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    appointment, links = await _meet_session(web_client, token_headers, stubs)
    now = utcnow()
    later = await _move(appointment, now)
    stubs.google_change_answers = [500]

    await run_due_events(now=now, links=links)
    assert len(stubs.google_patched) == 1
    state, outcome = await _sync(appointment)
    assert state == EventState.RUNNING and "HTTP 500" in outcome
    await run_due_events(now=now + RETRY_BACKOFF - timedelta(seconds=1), links=links)
    assert len(stubs.google_patched) == 1

    await run_due_events(now=now + RETRY_BACKOFF, links=links)
    await run_due_events(now=now + RETRY_BACKOFF * 4, links=links)

    assert [event for event, _ in stubs.google_patched] == ["event-1", "event-1"]
    assert stubs.google_patched[1][1]["start"] == _utc(later.starts_at)
    assert (await _sync(appointment))[0] == EventState.DONE


async def test_an_event_already_gone_from_google_counts_as_removed(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    appointment, links = await _meet_session(web_client, token_headers, stubs)
    stubs.google_change_answers = [410]
    now = utcnow()
    await appointments.cancel(appointment.id, BY_CLIENT, now=now)

    await run_due_events(now=now, links=links)
    await run_due_events(now=now + RETRY_BACKOFF * 4, links=links)

    assert stubs.google_deleted == ["event-1"]
    assert await _sync(appointment) == (EventState.DONE, "the calendar event was gone already")


async def test_without_google_settings_the_event_is_done_with_nothing_sent(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    appointment, _ = await _meet_session(web_client, token_headers, stubs)
    settings = web_client.app[SERVICES].settings
    settings.google_service_account_file = ""
    links = EventLinks(calendar=google_calendar(settings))
    assert links.calendar is None
    now = utcnow()
    await _move(appointment, now)

    await run_due_events(now=now, links=links)

    assert (stubs.google_patched, stubs.google_deleted) == ([], [])
    assert await _sync(appointment) == (EventState.DONE, "no calendar")


async def test_a_session_moved_while_its_event_was_made_moves_the_event_too(
    web_client: TestClient, token_headers: dict[str, str], stubs: Stubs
) -> None:
    slot_id, starts = await _booked_slot(web_client, token_headers)
    stubs.zoom_oauth_status = 500
    appointment = await Appointment.get(slot_id=slot_id)
    now = utcnow()
    later: list[Slot] = []

    async def reschedule() -> None:
        later.append(await _move(appointment, now))

    stubs.meanwhile = reschedule
    await _link(web_client, token_headers, slot_id)
    [event] = stubs.google_events
    assert event["start"] == _utc(starts)

    settings = web_client.app[SERVICES].settings
    await run_due_events(now=utcnow(), links=EventLinks(calendar=google_calendar(settings)))
    [(_, patch)] = stubs.google_patched
    assert patch["start"] == _utc(later[0].starts_at)
