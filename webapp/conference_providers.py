"""HTTP clients of the conference providers (domain/booking/conference.py holds the chain).

Zoom: Server-to-Server OAuth (account credentials), the account's upcoming meetings are checked
for a time conflict or a recurring meeting, then a scheduled meeting is created.
Google Meet: a Calendar event with `conferenceData`, authorised by a service-account JWT
(RS256) exchanged for an access token; the same access moves and deletes that event when the
session moves or is cancelled (`google_calendar`, for the due-event runner). Every base URL is
a setting.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt

from config import Settings
from domain.booking.conference import (
    CalendarEvents,
    ConferenceProvider,
    Meeting,
    MeetingRequest,
    ProviderBusy,
    ProviderFailed,
)

log = logging.getLogger(__name__)

HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)
ZOOM_RECURRING_TYPES = frozenset({3, 8})  # recurring without / with a fixed time
ZOOM_SCHEDULED = 2
ZOOM_MAX_PAGES = 10
GOOGLE_SCOPE = "https://www.googleapis.com/auth/calendar"
GOOGLE_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_ASSERTION_TTL_S = 3600
# What Google answers for an event that was deleted (410) or never was (404).
GOOGLE_GONE = frozenset({404, 410})
GOOGLE_ERRORS = (
    aiohttp.ClientError,
    TimeoutError,
    ValueError,
    TypeError,
    KeyError,
    jwt.PyJWTError,
)


def _iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _json(response: aiohttp.ClientResponse, what: str) -> dict[str, Any]:
    if response.status >= 300:
        body = (await response.text())[:200]
        raise ProviderFailed(f"{what}: HTTP {response.status} {body}")
    try:
        data = await response.json(content_type=None)
    except ValueError as exc:
        raise ProviderFailed(f"{what}: the answer is not JSON") from exc
    if not isinstance(data, dict):
        raise ProviderFailed(f"{what}: unexpected answer")
    return data


class ZoomProvider:
    name = "zoom"

    def __init__(self, session: aiohttp.ClientSession, settings: Settings) -> None:
        self._session = session
        self._settings = settings
        self._users_url = (
            f"{settings.zoom_api_base.rstrip('/')}/users/{quote(settings.zoom_user_id)}/meetings"
        )

    async def _token(self) -> str:
        settings = self._settings
        auth = aiohttp.encode_basic_auth(
            settings.zoom_client_id, settings.zoom_client_secret.get_secret_value()
        )
        async with self._session.post(
            settings.zoom_oauth_url,
            params={"grant_type": "account_credentials", "account_id": settings.zoom_account_id},
            headers={"Authorization": auth},
        ) as response:
            data = await _json(response, "zoom oauth")
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProviderFailed("zoom oauth: no access token")
        return token

    async def _check_free(self, headers: dict[str, str], request: MeetingRequest) -> None:
        start, end = request.starts_at, request.starts_at + request.duration
        page_token = ""
        for _ in range(ZOOM_MAX_PAGES):
            params = {"type": "upcoming", "page_size": "300"}
            if page_token:
                params["next_page_token"] = page_token
            async with self._session.get(
                self._users_url, params=params, headers=headers
            ) as response:
                data = await _json(response, "zoom meetings")
            for meeting in data.get("meetings") or []:
                if meeting.get("type") in ZOOM_RECURRING_TYPES:
                    raise ProviderBusy(f"recurring meeting {meeting.get('id')} in the account")
                if not meeting.get("start_time"):
                    continue
                other_start = datetime.fromisoformat(meeting["start_time"])
                other_end = other_start + timedelta(minutes=int(meeting.get("duration") or 0))
                if other_start < end and start < other_end:
                    raise ProviderBusy(f"meeting {meeting.get('id')} overlaps")
            page_token = data.get("next_page_token") or ""
            if not page_token:
                return

    async def create(self, request: MeetingRequest) -> Meeting:
        try:
            headers = {"Authorization": f"Bearer {await self._token()}"}
            await self._check_free(headers, request)
            async with self._session.post(
                self._users_url,
                headers=headers,
                json={
                    "topic": request.topic,
                    "type": ZOOM_SCHEDULED,
                    "start_time": _iso_utc(request.starts_at),
                    "duration": int(request.duration.total_seconds() // 60),
                    "timezone": "UTC",
                    "settings": {"join_before_host": True, "waiting_room": False},
                },
            ) as response:
                data = await _json(response, "zoom create meeting")
        except (aiohttp.ClientError, TimeoutError, ValueError, TypeError) as exc:
            raise ProviderFailed(f"zoom: {exc!r}") from exc
        link = data.get("join_url")
        if not isinstance(link, str) or not link:
            raise ProviderFailed("zoom create meeting: no join_url")
        return Meeting(self.name, link, meeting_id=str(data.get("id", "")))


class _GoogleCalendarApi:
    """A service account's access to the calendar GOOGLE_CALENDAR_ID."""

    def __init__(self, settings: Settings, account: dict[str, Any]) -> None:
        self._settings = settings
        self._account = account

    def _assertion(self) -> str:
        issued = int(time.time())
        return jwt.encode(
            {
                "iss": self._account["client_email"],
                "scope": GOOGLE_SCOPE,
                "aud": self._settings.google_token_url,
                "iat": issued,
                "exp": issued + GOOGLE_ASSERTION_TTL_S,
            },
            self._account["private_key"],
            algorithm="RS256",
            headers={"kid": self._account.get("private_key_id", "")},
        )

    async def _authorization(self, session: aiohttp.ClientSession) -> dict[str, str]:
        async with session.post(
            self._settings.google_token_url,
            data={"grant_type": GOOGLE_GRANT, "assertion": self._assertion()},
        ) as response:
            data = await _json(response, "google token")
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProviderFailed("google token: no access token")
        return {"Authorization": f"Bearer {token}"}

    def _events_url(self, event_id: str = "") -> str:
        settings = self._settings
        url = (
            f"{settings.google_api_base.rstrip('/')}/calendars/"
            f"{quote(settings.google_calendar_id, safe='')}/events"
        )
        return f"{url}/{quote(event_id, safe='')}" if event_id else url


class GoogleMeetProvider(_GoogleCalendarApi):
    name = "google_meet"

    def __init__(
        self, session: aiohttp.ClientSession, settings: Settings, account: dict[str, Any]
    ) -> None:
        super().__init__(settings, account)
        self._session = session

    async def create(self, request: MeetingRequest) -> Meeting:
        try:
            headers = await self._authorization(self._session)
            async with self._session.post(
                self._events_url(),
                params={"conferenceDataVersion": "1"},
                headers=headers,
                json={
                    "summary": request.topic,
                    "start": {"dateTime": _iso_utc(request.starts_at), "timeZone": "UTC"},
                    "end": {
                        "dateTime": _iso_utc(request.starts_at + request.duration),
                        "timeZone": "UTC",
                    },
                    "conferenceData": {
                        "createRequest": {
                            "requestId": request.request_id,
                            "conferenceSolutionKey": {"type": "hangoutsMeet"},
                        }
                    },
                },
            ) as response:
                data = await _json(response, "google calendar event")
        except GOOGLE_ERRORS as exc:
            raise ProviderFailed(f"google: {exc!r}") from exc
        conference = data.get("conferenceData") or {}
        video = [
            point.get("uri")
            for point in conference.get("entryPoints") or []
            if point.get("entryPointType") == "video"
        ]
        link = data.get("hangoutLink") or (video[0] if video else None)
        if not isinstance(link, str) or not link:
            raise ProviderFailed("google calendar event: no Meet link in conferenceData")
        return Meeting(
            self.name,
            link,
            meeting_id=str(conference.get("conferenceId", "")),
            calendar_meeting_id=str(data.get("id", "")),
        )


class GoogleCalendar(_GoogleCalendarApi):
    """The Meet links' events (domain CalendarEvents): `events.patch` and `events.delete`,
    each call in a session of its own (the due-event runner calls now and then)."""

    async def _call(self, method: str, event_id: str, body: dict[str, Any] | None) -> bool:
        """Whether the event was there; ProviderFailed on any other failure."""
        what = f"google calendar {method.lower()} {event_id}"
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
                headers = await self._authorization(session)
                async with session.request(
                    method, self._events_url(event_id), headers=headers, json=body
                ) as response:
                    if response.status in GOOGLE_GONE:
                        return False
                    if response.status >= 300:
                        text = (await response.text())[:200]
                        raise ProviderFailed(f"{what}: HTTP {response.status} {text}")
                    return True
        except GOOGLE_ERRORS as exc:
            raise ProviderFailed(f"{what}: {exc!r}") from exc

    async def move(self, event_id: str, start: datetime, end: datetime) -> bool:
        return await self._call(
            "PATCH",
            event_id,
            {
                "start": {"dateTime": _iso_utc(start), "timeZone": "UTC"},
                "end": {"dateTime": _iso_utc(end), "timeZone": "UTC"},
            },
        )

    async def remove(self, event_id: str) -> bool:
        return await self._call("DELETE", event_id, None)


def _service_account(path: str) -> dict[str, Any] | None:
    try:
        account = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("google service account file %s is unreadable: %s", path, exc)
        return None
    if not isinstance(account, dict) or not {"client_email", "private_key"} <= set(account):
        log.warning("google service account file %s lacks client_email/private_key", path)
        return None
    return account


@asynccontextmanager
async def provider_chain(settings: Settings) -> AsyncIterator[list[ConferenceProvider]]:
    """The configured providers in chain order, sharing one HTTP session for the call."""
    async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
        chain: list[ConferenceProvider] = []
        zoom_secret = settings.zoom_client_secret.get_secret_value()
        if settings.zoom_account_id and settings.zoom_client_id and zoom_secret:
            chain.append(ZoomProvider(session, settings))
        if settings.google_service_account_file:
            account = _service_account(settings.google_service_account_file)
            if account is not None:
                chain.append(GoogleMeetProvider(session, settings, account))
        yield chain


def google_calendar(settings: Settings) -> CalendarEvents | None:
    """The calendar the Meet links' events live in; None when no Google account is set."""
    if not settings.google_service_account_file:
        return None
    account = _service_account(settings.google_service_account_file)
    return None if account is None else GoogleCalendar(settings, account)
