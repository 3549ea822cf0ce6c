"""Offers from the waitlist: a free slot goes, as an offer, to the first waiting entry in line
that it fits; the slot is held for that client alone until the offer lapses, then it passes to
the next in line (never twice to one entry: one offer per entry and slot).

The pass (lapse, then offer) may run on several instances at once. Each slot is offered in a
transaction of its own that locks the slot, then the entry, then the client (PostgreSQL: FOR
UPDATE SKIP LOCKED: what another instance works on is left to it); the decisive writes are
conditional UPDATEs (the slot still free, the entry still waiting) and the unique (entry, slot),
so that even without row locks (SQLite) no slot gets two offers and no entry two at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from db import dialect
from db.enums import OfferOutcome, SlotStatus, WaitlistState
from db.models import Client, Slot, WaitlistEntry, WaitlistOffer
from domain.audit import Initiator
from domain.booking import appointments, sessions
from domain.booking.sessions import Session
from domain.booking.waitlist import close_offers_of, window_of
from domain.changes import data_changed
from domain.errors import BookingLimitReached, Conflict, DomainError, NotFound
from domain.i18n import N_, translate
from domain.messaging.buttons import waitlist_offer_keyboard
from domain.messaging.outbox import enqueue
from domain.schedule.slots import free_now
from domain.timerules import utcnow
from domain.zones import when_text

# A slot starting sooner than this is not offered: there would be no time to take it.
OFFER_LEAD = timedelta(hours=2)
# Slots looked at per pass; the rest wait for the next tick.
SLOT_BATCH = 100

OFFER_TEXT = N_(
    "A time you are waiting for is free: {psychologist}, {when}.\n"
    "It is held for you alone until {until}. Tap the button to book it."
)


class OfferClosed(Conflict):
    """The offer has lapsed, been taken or withdrawn: it can no longer be taken."""

    code = "offer_closed"


@dataclass(frozen=True, slots=True)
class PassReport:
    lapsed: int = 0
    offered: int = 0

    def __bool__(self) -> bool:
        return bool(self.lapsed or self.offered)


M = TypeVar("M", Slot, WaitlistEntry, Client)


def _locked(query: QuerySet[M]) -> QuerySet[M]:
    """The rows locked for this transaction, skipping those another runner holds (PostgreSQL;
    SQLite has one writer and no row locks: the conditional writes decide there)."""
    if dialect() == "postgres":
        return query.select_for_update(skip_locked=True, of=(query.model._meta.db_table,))
    return query


async def _end_offer(offer_id: int, outcome: OfferOutcome) -> bool:
    """Close an open offer: its hold is given back, its entry waits again (keeping its place)."""
    async with in_transaction():
        if not await WaitlistOffer.filter(id=offer_id, outcome=OfferOutcome.OPEN).update(
            outcome=outcome
        ):
            return False  # another runner closed it
        offer = await WaitlistOffer.get(id=offer_id).prefetch_related("entry")
        await Slot.filter(
            id=offer.slot_id, held_by_id=offer.entry.client_id, status=SlotStatus.HELD
        ).update(status=SlotStatus.FREE, held_by_id=None, held_until=None)
        await WaitlistEntry.filter(id=offer.entry_id, state=WaitlistState.OFFERED).update(
            state=WaitlistState.WAITING
        )
    return True


async def lapse_offers(now: datetime) -> int:
    """Open offers past their time lapse; those whose slot is no longer held for their client
    (booked by someone else, removed, the hold given up) are withdrawn. Answers how many
    closed."""
    closed = 0
    open_offers = await WaitlistOffer.filter(outcome=OfferOutcome.OPEN).prefetch_related(
        "entry", "slot"
    )
    for offer in open_offers:
        if offer.expires_at <= now:
            closed += await _end_offer(offer.id, OfferOutcome.LAPSED)
        elif (offer.slot.status, offer.slot.held_by_id) != (
            SlotStatus.HELD,
            offer.entry.client_id,
        ):
            closed += await _end_offer(offer.id, OfferOutcome.WITHDRAWN)
    await _requeue_orphans()
    if closed:
        await data_changed("slots.changed")
    return closed


async def _requeue_orphans() -> None:
    """An entry whose offered slot was deleted (its offer went with it) waits again. Each is
    looked at again under its row lock: an offer another runner has just made is seen then."""
    with_open = WaitlistOffer.filter(outcome=OfferOutcome.OPEN).values("entry_id")
    orphans = (
        await WaitlistEntry.filter(state=WaitlistState.OFFERED)
        .exclude(id__in=Subquery(with_open))
        .values_list("id", flat=True)
    )
    for entry_id in orphans:
        async with in_transaction():
            entry = await _locked(
                WaitlistEntry.filter(id=entry_id, state=WaitlistState.OFFERED)
            ).first()
            if entry is not None and not await WaitlistOffer.exists(
                entry_id=entry_id, outcome=OfferOutcome.OPEN
            ):
                await WaitlistEntry.filter(id=entry_id).update(state=WaitlistState.WAITING)


def _fits(entry: WaitlistEntry, slot: Slot) -> bool:
    psychologist = slot.psychologist
    if not psychologist.is_active or not window_of(entry).fits(slot.starts_at, entry.timezone):
        return False
    if entry.psychologist_id is not None:
        return entry.psychologist_id == psychologist.id
    wanted = set(entry.queries or [])
    return not wanted or bool(wanted & set(psychologist.queries or []))


class _Lost(Exception):
    """Another runner was first: the transaction is rolled back."""


async def _hold_for(
    entry: WaitlistEntry, slot_id: int, now: datetime, until: datetime, max_active: int
) -> bool:
    """Hold the slot for the entry's client and mark the entry offered; False when the client
    is busy (another runner works on them, they hold a time already, or they could not book
    one more session: the entry waits)."""
    client = await _locked(Client.filter(id=entry.client_id)).first()
    if client is None or await Slot.exists(held_by_id=client.id, held_until__gt=now):
        return False
    try:
        await appointments.check_booking_limit(client.id, max_active, now)
    except BookingLimitReached:
        return False
    # A run-out hold still names its client, and a client owns one hold at most.
    await Slot.filter(held_by_id=client.id).update(
        status=SlotStatus.FREE, held_by_id=None, held_until=None
    )
    if not await Slot.filter(Q(id=slot_id) & free_now(now)).update(
        status=SlotStatus.HELD, held_by_id=client.id, held_until=until
    ):
        raise _Lost
    if not await WaitlistEntry.filter(id=entry.id, state=WaitlistState.WAITING).update(
        state=WaitlistState.OFFERED
    ):
        raise _Lost
    return True


async def _offer_slot(
    slot: Slot, line: Sequence[int], now: datetime, offer_minutes: int, max_active: int
) -> int | None:
    """Offer the slot to the first entry of `line` (ids in order) that can have it; answers
    the offer's id, None when nobody got it."""
    until = now + timedelta(minutes=offer_minutes)
    try:
        async with in_transaction():
            if await _locked(Slot.filter(Q(id=slot.id) & free_now(now))).first() is None:
                return None
            if await WaitlistOffer.exists(slot_id=slot.id, outcome=OfferOutcome.OPEN):
                return None
            for entry_id in line:
                entry = await _locked(
                    WaitlistEntry.filter(id=entry_id, state=WaitlistState.WAITING)
                ).first()
                if entry is None or await WaitlistOffer.exists(entry_id=entry_id, slot_id=slot.id):
                    continue
                if not await _hold_for(entry, slot.id, now, until, max_active):
                    continue
                offer = await WaitlistOffer.create(
                    entry_id=entry_id, slot_id=slot.id, offered_at=now, expires_at=until
                )
                await _tell(offer, entry, slot, now)
                break
            else:
                return None
    except (_Lost, IntegrityError):
        return None
    await data_changed("slots.changed")
    return offer.id


async def _tell(offer: WaitlistOffer, entry: WaitlistEntry, slot: Slot, now: datetime) -> None:
    client = await Client.get(id=entry.client_id)
    if client.blocked_bot:
        return
    language, zone = client.language, client.timezone
    await enqueue(
        chat_id=client.telegram_id,
        text=translate(
            language,
            OFFER_TEXT,
            psychologist=slot.psychologist.name,
            when=when_text(slot.starts_at, zone, language),
            until=when_text(offer.expires_at, zone, language),
        ),
        kind="waitlist.offer",
        dedup_key=f"waitlist:offer:{offer.id}",
        now=now,
        client_id=client.id,
        reply_markup=waitlist_offer_keyboard(offer.id, language),
    )


async def offer_free_slots(now: datetime, offer_minutes: int, max_active: int = 0) -> int:
    """Offer each free, unheld slot starting `OFFER_LEAD` or more from now to the first entry
    in line it fits whose client may book one more session (`max_active`, 0: no limit);
    answers how many offers were made."""
    waiting = await WaitlistEntry.filter(
        state=WaitlistState.WAITING, date_to__gte=(now - timedelta(days=1)).date()
    ).order_by("created_at", "id")  # the last day may still run somewhere
    if not waiting:
        return 0
    last_day = max(entry.date_to for entry in waiting) + timedelta(days=2)
    horizon = datetime.combine(last_day, time(0), tzinfo=UTC)
    on_offer = WaitlistOffer.filter(outcome=OfferOutcome.OPEN).values("slot_id")
    slots = (
        await Slot.filter(free_now(now), starts_at__gte=now + OFFER_LEAD, starts_at__lt=horizon)
        .exclude(id__in=Subquery(on_offer))
        .order_by("starts_at")
        .limit(SLOT_BATCH)
        .prefetch_related("psychologist")
    )
    offered = 0
    for slot in slots:
        line = [entry.id for entry in waiting if _fits(entry, slot)]
        if line and await _offer_slot(slot, line, now, offer_minutes, max_active) is not None:
            offered += 1
    return offered


async def _retire_past(now: datetime) -> None:
    """Waiting entries whose last day has passed everywhere leave the line."""
    await WaitlistEntry.filter(
        state=WaitlistState.WAITING, date_to__lt=(now - timedelta(days=1)).date()
    ).update(state=WaitlistState.CANCELLED)


async def run_pass(
    offer_minutes: int, *, max_active: int = 0, now: datetime | None = None
) -> PassReport:
    """One pass of the waitlist: offers past their time lapse, then free slots are offered."""
    now = now or utcnow()
    lapsed = await lapse_offers(now)
    await _retire_past(now)
    offered = await offer_free_slots(now, offer_minutes, max_active)
    return PassReport(lapsed=lapsed, offered=offered)


async def take_offer(
    client_id: int,
    offer_id: int,
    initiator: Initiator,
    *,
    max_active: int = 0,
    now: datetime | None = None,
) -> Session:
    """Book the offered slot the client holds (the usual hold -> book); OfferClosed once the
    offer is over. Another's offer: NotFound."""
    now = now or utcnow()
    offer = (
        await WaitlistOffer.filter(id=offer_id, entry__client_id=client_id)
        .prefetch_related("entry")
        .first()
    )
    if offer is None:
        raise NotFound("offer not found", field="offer_id")
    taken = await WaitlistOffer.filter(
        id=offer_id, outcome=OfferOutcome.OPEN, expires_at__gt=now
    ).update(outcome=OfferOutcome.TAKEN)
    if not taken:
        raise OfferClosed("the offer is over: the time is no longer held", field="offer_id")
    try:
        appointment = await appointments.book(
            client_id, offer.slot_id, initiator, max_active=max_active, now=now
        )
    except DomainError:
        await WaitlistOffer.filter(id=offer_id).update(outcome=OfferOutcome.OPEN)
        await _end_offer(offer_id, OfferOutcome.WITHDRAWN)
        raise
    await WaitlistEntry.filter(id=offer.entry_id).update(state=WaitlistState.BOOKED)
    await close_offers_of(offer.entry_id, client_id, OfferOutcome.WITHDRAWN)
    return await sessions.own_session(client_id, appointment.id)
