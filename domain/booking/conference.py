"""Video links for sessions: a chain of providers.

Providers are tried in order (Zoom, then Google Meet); a provider that is busy at that time
(a conflicting or recurring meeting in its account) or fails hands over to the next; Jitsi,
which needs no account, is the last resort. A session that already has a link keeps it, also
after a reschedule. A Google Meet link comes with a Google Calendar event, which follows the
session: moved on a reschedule, removed on a cancel (the due-event runner does it through
`CalendarEvents`, armed by `planning.arm_calendar_sync`).

A meeting link is an http(s) URL wherever it comes from (a provider, an integration, a
booking): it becomes a button in the bot and a link in the mini apps, where another scheme
(javascript:, data:, vbscript:) would run in the reader's page or show something else.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tortoise.transactions import in_transaction

from db.models import Appointment, Psychologist
from domain import audit
from domain.audit import Initiator
from domain.booking import planning
from domain.changes import appointment_changed
from domain.errors import InvalidInput
from domain.statuses import ACTIVE
from domain.timerules import utcnow

log = logging.getLogger(__name__)

JITSI_BASE = "https://meet.jit.si/"
JITSI_PREFIX = "hraniteli-"


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    topic: str
    starts_at: datetime
    duration: timedelta
    request_id: str  # stable per appointment, so a provider can refuse a duplicate


@dataclass(frozen=True, slots=True)
class Meeting:
    provider: str
    link: str
    meeting_id: str = ""
    calendar_meeting_id: str = ""


class ProviderBusy(Exception):
    """The provider's account has a conflicting or recurring meeting at that time."""


class ProviderFailed(Exception):
    """The provider could not be reached or refused the request."""


class ConferenceProvider(Protocol):
    name: str

    async def create(self, request: MeetingRequest) -> Meeting:
        """Create the meeting; raise ProviderBusy or ProviderFailed to hand over to the next."""
        ...


class CalendarEvents(Protocol):
    """The calendar that holds the sessions' events (Google Calendar, GOOGLE_CALENDAR_ID).
    Both calls are idempotent; a failure raises ProviderFailed, to be tried again later."""

    async def move(self, event_id: str, start: datetime, end: datetime) -> bool:
        """Set the event's start and end; False when the event is gone from the calendar."""
        ...

    async def remove(self, event_id: str) -> bool:
        """Delete the event; False when it was gone already."""
        ...


# An http(s) URL with a host name, in printable ASCII: no space or control character (a
# browser drops some of them, so "java\tscript:" would be javascript: to it). Written for
# Python, JSON Schema and pydantic alike: the API documents the very rule it applies.
WEB_LINK = (
    "[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
    "(?::[0-9]{1,5})?(?:[/?#][!-~]*)?"
)
_WEB_LINK = re.compile(WEB_LINK)


def is_web_link(link: str) -> bool:
    """Whether `link` is an http(s) URL by WEB_LINK."""
    return _WEB_LINK.fullmatch(link) is not None


def check_meeting_link(link: str, field: str = "meeting_link") -> str:
    """`link` when it is empty (no link yet) or an http(s) URL; a refusal naming `field`."""
    if link and not is_web_link(link):
        raise InvalidInput("a meeting link must be an http:// or https:// URL", field=field)
    return link


def jitsi_meeting() -> Meeting:
    room = JITSI_PREFIX + secrets.token_urlsafe(18).replace("_", "x").replace("-", "y")
    return Meeting("jitsi", JITSI_BASE + room, meeting_id=room)


async def create_meeting(
    providers: Sequence[ConferenceProvider], request: MeetingRequest
) -> Meeting:
    """The first provider that can host the meeting; Jitsi when none can."""
    for provider in providers:
        try:
            meeting = await provider.create(request)
            if not is_web_link(meeting.link):
                raise ProviderFailed(f"its link is not an http(s) URL: {meeting.link[:80]!r}")
            return meeting
        except ProviderBusy as exc:
            log.info("%s is busy at %s: %s", provider.name, request.starts_at, exc)
        except ProviderFailed as exc:
            log.warning("%s failed, trying the next provider: %s", provider.name, exc)
    return jitsi_meeting()


async def _follow_a_change_made_meanwhile(appointment_id: int, made_for: datetime) -> None:
    """A session moved or cancelled while its calendar event was being made (before the event
    was stored, so that change armed nothing): have the event follow it. Under the
    appointment's lock, like the changes that arm it."""
    async with in_transaction():
        appointment = await Appointment.filter(id=appointment_id).select_for_update().first()
        if appointment is not None and (
            appointment.starts_at != made_for or appointment.status not in ACTIVE
        ):
            await planning.arm_calendar_sync(appointment, utcnow())


async def ensure_link(
    appointment: Appointment,
    providers: Sequence[ConferenceProvider],
    initiator: Initiator,
) -> tuple[Appointment, str]:
    """The appointment's video link, created through the chain if it has none yet.

    Returns the appointment and the provider name ("existing" for a kept link). The outside
    call happens outside any transaction; the link is stored only if none appeared meanwhile.
    """
    if appointment.meeting_link:
        return appointment, "existing"
    name = await Psychologist.filter(id=appointment.psychologist_id).values_list("name", flat=True)
    request = MeetingRequest(
        topic=f"Сессия: {name[0] if name else ''}".strip(),
        starts_at=appointment.starts_at,
        duration=timedelta(minutes=appointment.duration_min),
        request_id=f"appointment-{appointment.id}",
    )
    meeting = await create_meeting(providers, request)
    stored = await Appointment.filter(id=appointment.id, meeting_link="").update(
        meeting_link=meeting.link,
        meeting_id=meeting.meeting_id,
        calendar_meeting_id=meeting.calendar_meeting_id,
    )
    if stored and meeting.calendar_meeting_id:
        await _follow_a_change_made_meanwhile(appointment.id, request.starts_at)
    await appointment.refresh_from_db()
    if stored:
        await audit.record(
            initiator,
            "appointment.meeting_link",
            "appointment",
            appointment.id,
            provider=meeting.provider,
        )
        await appointment_changed("appointment.updated", appointment.id)
        return appointment, meeting.provider
    return appointment, "existing"
