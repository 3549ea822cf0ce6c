"""Sessions as iCalendar (RFC 5545): a person's private feed and one session's .ics file.

A feed's address carries a token derived from the person's id and the server's secret (an
HMAC), so asking for the link again gives the same address and a subscribed calendar keeps
working; the database keeps only the token's sha256, which is what a request is looked up
by. The builder is the domain's because the bot (the .ics after booking) and the web app (the
feed) must write the very same events.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, Event

from db.enums import Actor, AppointmentStatus
from db.models import Appointment, AuditLog, Client, Psychologist
from domain.booking.sessions import require_own
from domain.errors import Forbidden, NotFound
from domain.i18n import N_, translate
from domain.messaging import event_texts, texts
from domain.timerules import utcnow

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=90)
FEED_PATH = "/api/v1/calendar/feeds/"
# 32 bytes of HMAC in URL-safe base64 without padding, like secrets.token_urlsafe(32)
TOKEN_PATTERN = "[A-Za-z0-9_-]{43}"
PRODID = "-//Hraniteli//Sessions//RU"
# The changes a calendar must see as a new version of the event (RFC 5545 SEQUENCE).
REVISIONS = ("appointment.rescheduled", "appointment.cancelled", "appointment.status")

SESSION_WITH_PSYCHOLOGIST = N_("Session with {psychologist}")
SESSION_WITH_CLIENT = N_("Session with {client}")
VIDEO_LINK = N_("Video link: {link}")
CALENDAR_NAME = N_("Sessions")


class Side(StrEnum):
    CLIENT = "client"
    PSYCHOLOGIST = "psychologist"


def feed_token(secret: str, side: Side, person_id: int) -> str:
    """The token of a person's feed: stable for the same secret, unguessable without it."""
    key = hmac.new(secret.encode(), b"calendar feed", hashlib.sha256).digest()
    digest = hmac.new(key, f"{side.value}:{person_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{FEED_PATH}{token}.ics"


async def feed_link(role: Actor, telegram_id: int, secret: str, base_url: str) -> str:
    """The address of the feed of the client or psychologist with this Telegram account; the
    feed answers from now on (its token's hash is stored)."""
    if role == Actor.CLIENT:
        side, model = Side.CLIENT, Client
        person = await Client.filter(telegram_id=telegram_id).first()
    elif role == Actor.PSYCHOLOGIST:
        side, model = Side.PSYCHOLOGIST, Psychologist
        person = await Psychologist.filter(telegram_id=telegram_id, is_active=True).first()
    else:
        raise Forbidden("calendar feeds are for clients and psychologists", field="role")
    if person is None:
        raise Forbidden("register first: share your phone number with the bot", field="role")
    token = feed_token(secret, side, person.id)
    if person.calendar_token_hash != _hash(token):
        await model.filter(id=person.id).update(calendar_token_hash=_hash(token))
    return feed_url(base_url, token)


async def _revisions(ids: list[int]) -> Counter[int]:
    rows = await AuditLog.filter(
        entity="appointment", entity_id__in=ids, action__in=REVISIONS
    ).values_list("entity_id", flat=True)
    return Counter(rows)


def _event(
    appointment: Appointment, summary: str, host: str, revisions: int, language: str
) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@{host}")
    event.add("dtstamp", appointment.updated_at)
    event.add("last-modified", appointment.updated_at)
    event.add("sequence", revisions)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.starts_at + timedelta(minutes=appointment.duration_min))
    event.add("summary", summary)
    link = appointment.meeting_link
    if link:
        event.add("url", link)
        event.add("location", link)
    event.add(
        "description",
        translate(language, VIDEO_LINK, link=link or translate(language, event_texts.NO_LINK_YET)),
    )
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _calendar(language: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", translate(language, CALENDAR_NAME))
    return calendar


def _summary(appointment: Appointment, side: Side, language: str) -> str:
    if side == Side.CLIENT:
        return translate(
            language, SESSION_WITH_PSYCHOLOGIST, psychologist=appointment.psychologist.name
        )
    first = appointment.client.name.split()
    name = first[0] if first else translate(language, texts.CLIENT_FALLBACK_NAME)
    return translate(language, SESSION_WITH_CLIENT, client=name)


async def _ics(appointments: list[Appointment], side: Side, language: str, host: str) -> bytes:
    revisions = await _revisions([a.id for a in appointments])
    calendar = _calendar(language)
    for appointment in appointments:
        summary = _summary(appointment, side, language)
        calendar.add_component(
            _event(appointment, summary, host, revisions[appointment.id], language)
        )
    return calendar.to_ical()


async def feed(token: str, host: str, *, now: datetime | None = None) -> bytes:
    """The calendar of the feed with this token: every session of its person from FEED_PAST
    ago to FEED_AHEAD ahead, cancelled ones included (marked so). An unknown token is
    NotFound; both tables are asked whatever the token, so the answer time tells nothing."""
    now = now or utcnow()
    hashed = _hash(token)
    client = await Client.filter(calendar_token_hash=hashed).first()
    # a deactivated psychologist's feed ends with their access: it names clients
    psychologist = await Psychologist.filter(calendar_token_hash=hashed, is_active=True).first()
    if client is not None:
        side, language, owner = Side.CLIENT, client.language, {"client_id": client.id}
    elif psychologist is not None:
        side, language = Side.PSYCHOLOGIST, psychologist.language
        owner = {"psychologist_id": psychologist.id}
    else:
        raise NotFound("no calendar feed has this address", field="token")
    rows = (
        await Appointment.filter(
            **owner, starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_AHEAD
        )
        .prefetch_related("client", "psychologist")
        .order_by("starts_at", "id")
    )
    return await _ics(list(rows), side, language, host)


async def session_file(client_id: int, appointment_id: int, language: str, host: str) -> bytes:
    """One session of the client as a calendar of one event, the same as in their feed."""
    await require_own(client_id, appointment_id)
    appointment = await Appointment.get(id=appointment_id).prefetch_related(
        "client", "psychologist"
    )
    return await _ics([appointment], Side.CLIENT, language, host)
