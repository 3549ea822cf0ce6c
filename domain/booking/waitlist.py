"""The waitlist: a client waits in line for a time with one psychologist, or with any who works
with their request, within a window of days, weekdays and times of day in the client's zone.

First come, first offered: when a matching slot is free, the first waiting entry in line gets
it as an offer (domain.booking.waitlist_offers). This module is the line itself: joining it,
one's own entries with their places, leaving it, and the staff's view of the whole queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q

from db.enums import OfferOutcome, SlotStatus, WaitlistState
from db.models import Client, Psychologist, Slot, Ticket, WaitlistEntry, WaitlistOffer
from domain.changes import data_changed
from domain.errors import Conflict, InvalidInput, NotFound
from domain.timerules import client_zone, utcnow

# How far ahead a client may wait for a time.
MAX_DAYS_AHEAD = 90
MINUTES_A_DAY = 24 * 60
IN_LINE = (WaitlistState.WAITING, WaitlistState.OFFERED)


@dataclass(frozen=True, slots=True)
class Window:
    """Days `date_from`..`date_to` (inclusive), `weekdays` (0 is Monday; empty: any) and the
    minutes of the day a session may start at (None: any), in the entry's zone."""

    date_from: date
    date_to: date
    weekdays: tuple[int, ...] = ()
    minute_from: int | None = None
    minute_to: int | None = None

    def fits(self, starts_at: datetime, zone: str) -> bool:
        local = starts_at.astimezone(client_zone(zone))
        minute = local.hour * 60 + local.minute
        return (
            self.date_from <= local.date() <= self.date_to
            and (not self.weekdays or local.weekday() in self.weekdays)
            and (self.minute_from is None or minute >= self.minute_from)
            and (self.minute_to is None or minute <= self.minute_to)
        )


@dataclass(frozen=True, slots=True)
class OpenOffer:
    offer_id: int
    slot_id: int
    starts_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Place:
    """An entry as its client or the staff see it: where it stands in line."""

    entry_id: int
    client_id: int
    client_name: str
    psychologist_id: int | None
    psychologist_name: str | None
    window: Window
    timezone: str
    state: WaitlistState
    position: int | None  # None once out of line (booked, cancelled)
    created_at: datetime
    offer: OpenOffer | None


class Preset(StrEnum):
    """The windows the bot offers in one tap: the next two weeks, at any time, on weekday
    evenings, or at weekends."""

    ANY = "any"
    EVENINGS = "evenings"
    WEEKENDS = "weekends"


PRESET_DAYS = 14
EVENING = (18 * 60, 22 * 60)


def preset_window(preset: Preset, zone: str, now: datetime) -> Window:
    """The preset's window from today in the client's zone."""
    today = now.astimezone(client_zone(zone)).date()
    last = today + timedelta(days=PRESET_DAYS)
    if preset == Preset.EVENINGS:
        return Window(today, last, (0, 1, 2, 3, 4), *EVENING)
    if preset == Preset.WEEKENDS:
        return Window(today, last, (5, 6))
    return Window(today, last)


def window_of(entry: WaitlistEntry) -> Window:
    return Window(
        entry.date_from,
        entry.date_to,
        tuple(entry.weekdays or ()),
        entry.minute_from,
        entry.minute_to,
    )


class WindowRefused(Conflict):
    """A window nobody can wait in: its days are past or too far ahead, or it ends before it
    starts. A conflict with the clock or between two fields, not malformed input: each field
    alone is well formed (the same request may have been taken yesterday)."""

    code = "window_refused"


def check_window(window: Window, today: date) -> None:
    """WindowRefused naming the field when the window is not one to wait in."""
    if window.date_from < today:
        raise WindowRefused("date_from is in the past", field="date_from")
    if window.date_to < window.date_from:
        raise WindowRefused("date_to is before date_from", field="date_to")
    if window.date_to > today + timedelta(days=MAX_DAYS_AHEAD):
        raise WindowRefused(f"date_to is more than {MAX_DAYS_AHEAD} days ahead", field="date_to")
    if any(not 0 <= day <= 6 for day in window.weekdays):
        raise InvalidInput("weekdays are 0 (Monday) to 6 (Sunday)", field="weekdays")
    for name in ("minute_from", "minute_to"):
        minute = getattr(window, name)
        if minute is not None and not 0 <= minute < MINUTES_A_DAY:
            raise InvalidInput(f"{name} is outside the day", field=name.replace("minute", "time"))
    if (
        window.minute_from is not None
        and window.minute_to is not None
        and window.minute_to < window.minute_from
    ):
        raise WindowRefused("time_to is before time_from", field="time_to")


async def _client_queries(client_id: int) -> list[str]:
    """What the client asked for last (their latest request), to match any psychologist by."""
    latest = await Ticket.filter(client_id=client_id).order_by("-id").first()
    return [str(query) for query in (latest.queries if latest else [])]


def _ahead_of(entry: WaitlistEntry) -> Q:
    """Entries in line before `entry` that compete with it for the same psychologists."""
    earlier = Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lt=entry.id)
    query = Q(state__in=list(IN_LINE)) & earlier
    if entry.psychologist_id is not None:
        query &= Q(psychologist_id=entry.psychologist_id) | Q(psychologist_id__isnull=True)
    return query


async def position_of(entry: WaitlistEntry) -> int | None:
    if entry.state not in IN_LINE:
        return None
    return 1 + await WaitlistEntry.filter(_ahead_of(entry)).count()


async def join(
    client_id: int,
    psychologist_id: int | None,
    window: Window,
    *,
    queries: Sequence[str] | None = None,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Put the client in line; answers (entry id, position in line). With no psychologist the
    entry waits for any active one working with `queries` (by default the client's latest
    request's)."""
    now = now or utcnow()
    client = await Client.filter(id=client_id).first()
    if client is None:
        raise NotFound("client not found", field="client_id")
    check_window(window, now.astimezone(client_zone(client.timezone)).date())
    if psychologist_id is not None and not await Psychologist.exists(
        id=psychologist_id, is_active=True
    ):
        raise NotFound("psychologist not found", field="psychologist_id")
    entry = await WaitlistEntry.create(
        client_id=client_id,
        psychologist_id=psychologist_id,
        queries=list(queries) if queries is not None else await _client_queries(client_id),
        date_from=window.date_from,
        date_to=window.date_to,
        weekdays=sorted(set(window.weekdays)),
        minute_from=window.minute_from,
        minute_to=window.minute_to,
        timezone=client.timezone,
    )
    return entry.id, await position_of(entry) or 0


async def close_offers_of(entry_id: int, client_id: int, outcome: OfferOutcome) -> None:
    """End the entry's open offers with `outcome`, giving back the slots they hold."""
    open_offers = WaitlistOffer.filter(entry_id=entry_id, outcome=OfferOutcome.OPEN)
    slot_ids = await open_offers.values_list("slot_id", flat=True)
    if not slot_ids:
        return
    await open_offers.update(outcome=outcome)
    released = await Slot.filter(
        id__in=slot_ids, held_by_id=client_id, status=SlotStatus.HELD
    ).update(status=SlotStatus.FREE, held_by_id=None, held_until=None)
    if released:
        await data_changed("slots.changed")


async def _places(entries: list[WaitlistEntry]) -> list[Place]:
    ids = [entry.id for entry in entries]
    offers = {
        offer.entry_id: offer
        for offer in await WaitlistOffer.filter(
            entry_id__in=ids, outcome=OfferOutcome.OPEN
        ).prefetch_related("slot")
    }
    places = []
    for entry in entries:
        offer = offers.get(entry.id)
        places.append(
            Place(
                entry_id=entry.id,
                client_id=entry.client_id,
                client_name=entry.client.name,
                psychologist_id=entry.psychologist_id,
                psychologist_name=entry.psychologist.name if entry.psychologist else None,
                window=window_of(entry),
                timezone=entry.timezone,
                state=entry.state,
                position=await position_of(entry),
                created_at=entry.created_at,
                offer=OpenOffer(offer.id, offer.slot_id, offer.slot.starts_at, offer.expires_at)
                if offer
                else None,
            )
        )
    return places


async def mine(client_id: int) -> list[Place]:
    """The client's entries still in line, first joined first."""
    entries = (
        await WaitlistEntry.filter(client_id=client_id, state__in=list(IN_LINE))
        .order_by("created_at", "id")
        .prefetch_related("client", "psychologist")
    )
    return await _places(entries)


async def leave(client_id: int, entry_id: int) -> None:
    """Take the client's entry out of line; an open offer on it lapses and its hold is given
    back. Another's entry, or one out of line already: NotFound."""
    left = await WaitlistEntry.filter(
        id=entry_id, client_id=client_id, state__in=list(IN_LINE)
    ).update(state=WaitlistState.CANCELLED)
    if not left:
        raise NotFound("waitlist entry not found", field="entry_id")
    await close_offers_of(entry_id, client_id, OfferOutcome.WITHDRAWN)


async def queue(*, limit: int = 200) -> list[Place]:
    """The whole line, first in line first (the staff's board)."""
    entries = (
        await WaitlistEntry.filter(state__in=list(IN_LINE))
        .order_by("created_at", "id")
        .limit(limit)
        .prefetch_related("client", "psychologist")
    )
    return await _places(entries)
