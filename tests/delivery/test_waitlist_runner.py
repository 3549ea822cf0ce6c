"""The waitlist's pass runs inside the scheduler: a cancel that frees a slot someone waits for
wakes the loop, and the first in line is offered the slot at once (not a tick later)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from db.enums import OfferOutcome
from db.models import Outbox, WaitlistOffer
from domain.booking import appointments, waitlist
from domain.booking.waitlist import Window
from domain.timerules import MSK, utcnow
from infra.scheduler import Scheduler
from services import Signals
from tests.harness.builders import BY_CLIENT, make_client, make_psychologist

pytestmark = pytest.mark.usefixtures("database")


async def test_a_cancel_offers_the_freed_slot_to_the_first_in_line(signals: Signals) -> None:
    psychologist = await make_psychologist()
    holder, waiting = await make_client(), await make_client()
    slot = await psychologist.slots.create(starts_at=utcnow() + timedelta(hours=30))
    appointment = await appointments.book(holder.id, slot.id, BY_CLIENT, require_own_hold=False)
    today = utcnow().astimezone(MSK).date()
    await waitlist.join(waiting.id, psychologist.id, Window(today, today + timedelta(days=3)))

    async with Scheduler(signals, jobs=[], event_tick_s=600, waitlist_offer_min=20):
        await asyncio.sleep(0.05)  # the loop has looked once and now sleeps for 10 minutes
        with signals.bound():
            await appointments.cancel(appointment.id, BY_CLIENT)
        for _ in range(200):
            if await WaitlistOffer.exists(slot_id=slot.id):
                break
            await asyncio.sleep(0.01)

    offer = await WaitlistOffer.get(slot_id=slot.id).prefetch_related("entry")
    assert (offer.entry.client_id, offer.outcome) == (waiting.id, OfferOutcome.OPEN)
    assert offer.expires_at - offer.offered_at == timedelta(minutes=20)
    assert await Outbox.exists(kind="waitlist.offer", chat_id=waiting.telegram_id)
