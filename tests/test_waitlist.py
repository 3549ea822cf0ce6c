"""The waitlist against a real database, on an explicit clock: the line, offers in order, one
at a time, lapsing to the next, taken through the usual hold -> book, withdrawn when the slot
goes elsewhere; and two passes at once (on PostgreSQL: two connections racing) never make two
offers of one slot nor two to one entry."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from db.enums import Actor, AppointmentStatus, OfferOutcome, SlotStatus, WaitlistState
from db.models import Appointment, Outbox, Slot, Ticket, WaitlistEntry, WaitlistOffer
from domain.audit import Initiator
from domain.booking import appointments, waitlist, waitlist_offers
from domain.booking.waitlist import Window, WindowRefused
from domain.booking.waitlist_offers import OfferClosed
from domain.errors import DomainError, NotFound
from tests.harness.builders import NOW, make_client, make_psychologist, make_slot

pytestmark = pytest.mark.usefixtures("database")

BY_CLIENT = Initiator(Actor.CLIENT, source="bot")
OFFER_MIN = 15
# NOW is Tuesday 24.11.2026, 12:00 MSK: two weeks of any time from today.
TWO_WEEKS = Window(date(2026, 11, 24), date(2026, 12, 8))


def minutes(value: int) -> timedelta:
    return timedelta(minutes=value)


async def _line(count: int, psychologist_id: int | None = None) -> list[int]:
    """`count` clients joining in turn; answers their entries' ids, first in line first."""
    entries = []
    for n in range(count):
        client = await make_client(name=f"Ждущий {n}")
        entry_id, position = await waitlist.join(
            client.id, psychologist_id, TWO_WEEKS, now=NOW + timedelta(seconds=n)
        )
        assert position == n + 1
        entries.append(entry_id)
    return entries


async def _open_offers() -> list[tuple[int, int]]:
    return list(
        await WaitlistOffer.filter(outcome=OfferOutcome.OPEN)
        .order_by("id")
        .values_list("entry_id", "slot_id")
    )


async def test_one_freed_slot_goes_to_the_line_in_order_one_offer_at_a_time() -> None:
    psychologist = await make_psychologist()
    first, second, third = await _line(3, psychologist.id)
    slot = await make_slot(psychologist, hours_ahead=30)

    report = await waitlist_offers.run_pass(OFFER_MIN, now=NOW)
    again = await waitlist_offers.run_pass(OFFER_MIN, now=NOW + minutes(5))

    assert (report.offered, again.offered) == (1, 0)
    assert await _open_offers() == [(first, slot.id)]
    await slot.refresh_from_db()
    entry = await WaitlistEntry.get(id=first).prefetch_related("client")
    assert (slot.status, slot.held_by_id) == (SlotStatus.HELD, entry.client_id)
    assert slot.held_until == NOW + minutes(OFFER_MIN)
    assert entry.state == WaitlistState.OFFERED
    message = await Outbox.get(client_id=entry.client_id, kind="waitlist.offer")
    assert message.chat_id == entry.client.telegram_id
    assert "25.11 18:00 (МСК)" in message.text and "24.11 12:15 (МСК)" in message.text
    assert message.reply_markup == {
        "buttons": "waitlist_offer",
        "offer_id": (await WaitlistOffer.get(entry_id=first)).id,
        "language": "ru",
    }

    lapsed = await waitlist_offers.run_pass(OFFER_MIN, now=NOW + minutes(OFFER_MIN))
    assert (lapsed.lapsed, lapsed.offered) == (1, 1)
    assert await _open_offers() == [(second, slot.id)]
    assert (await WaitlistEntry.get(id=first)).state == WaitlistState.WAITING
    assert [place.position for place in await waitlist.queue()] == [1, 2, 3]

    await waitlist_offers.run_pass(OFFER_MIN, now=NOW + minutes(2 * OFFER_MIN))
    assert await _open_offers() == [(third, slot.id)]
    await waitlist_offers.run_pass(OFFER_MIN, now=NOW + minutes(3 * OFFER_MIN))
    assert await _open_offers() == []  # each was offered the slot once: never again
    assert await WaitlistOffer.filter(outcome=OfferOutcome.LAPSED).count() == 3


async def test_a_taken_offer_books_through_the_clients_hold() -> None:
    psychologist = await make_psychologist()
    (entry_id,) = await _line(1, psychologist.id)
    slot = await make_slot(psychologist, hours_ahead=30)
    await waitlist_offers.run_pass(OFFER_MIN, now=NOW)
    offer = await WaitlistOffer.get(entry_id=entry_id).prefetch_related("entry")
    client_id = offer.entry.client_id

    with pytest.raises(NotFound):
        await waitlist_offers.take_offer(
            (await make_client()).id, offer.id, BY_CLIENT, now=NOW + minutes(3)
        )
    booked = await waitlist_offers.take_offer(client_id, offer.id, BY_CLIENT, now=NOW + minutes(3))

    appointment = await Appointment.get(id=booked.id)
    assert (appointment.slot_id, appointment.client_id, booked.status) == (
        slot.id,
        client_id,
        AppointmentStatus.NEW,
    )
    await offer.refresh_from_db()
    assert offer.outcome == OfferOutcome.TAKEN
    assert (await WaitlistEntry.get(id=entry_id)).state == WaitlistState.BOOKED
    assert await waitlist.mine(client_id) == []
    with pytest.raises(OfferClosed):
        await waitlist_offers.take_offer(client_id, offer.id, BY_CLIENT, now=NOW + minutes(4))


async def test_an_offer_past_its_time_is_refused() -> None:
    psychologist = await make_psychologist()
    (entry_id,) = await _line(1, psychologist.id)
    await make_slot(psychologist, hours_ahead=30)
    await waitlist_offers.run_pass(OFFER_MIN, now=NOW)
    offer = await WaitlistOffer.get(entry_id=entry_id).prefetch_related("entry")

    with pytest.raises(OfferClosed):
        await waitlist_offers.take_offer(
            offer.entry.client_id, offer.id, BY_CLIENT, now=NOW + minutes(OFFER_MIN)
        )


async def test_a_slot_booked_by_someone_else_withdraws_the_offer() -> None:
    psychologist = await make_psychologist()
    first, second = await _line(2, psychologist.id)
    slot = await make_slot(psychologist, hours_ahead=30)
    await waitlist_offers.run_pass(OFFER_MIN, now=NOW)
    offered_to = (await WaitlistEntry.get(id=first)).client_id
    # The client gives the hold up (holds another time in the usual flow); someone else books.
    other_slot = await make_slot(psychologist, hours_ahead=300)
    await appointments.hold_slot(offered_to, other_slot.id, now=NOW + minutes(1))
    stranger = await make_client()
    await appointments.book(
        stranger.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW + minutes(2)
    )

    report = await waitlist_offers.run_pass(OFFER_MIN, now=NOW + minutes(3))

    assert report.lapsed == 1
    assert await WaitlistOffer.filter(outcome=OfferOutcome.WITHDRAWN).count() == 1
    assert (await WaitlistEntry.get(id=first)).state == WaitlistState.WAITING
    # The time the client holds now is not free: nothing is offered.
    assert await _open_offers() == []
    assert (await WaitlistEntry.get(id=second)).state == WaitlistState.WAITING


async def test_any_psychologist_matches_by_the_request_and_the_window() -> None:
    anxious = await make_psychologist(queries=["Тревога"])
    grieving = await make_psychologist(queries=["Горе"])
    client = await make_client(timezone="Asia/Yekaterinburg")  # MSK+2
    await Ticket.create(number="W-1", client_id=client.id, queries=["Тревога"])
    evenings = Window(date(2026, 11, 24), date(2026, 12, 8), (0, 1, 2, 3, 4), 18 * 60, 21 * 60)
    entry_id, _ = await waitlist.join(client.id, None, evenings, now=NOW)
    # 26.11 (Thu) 18:00 MSK is 20:00 in Yekaterinburg: inside the window.
    await make_slot(grieving, hours_ahead=54)
    late = await make_slot(anxious, hours_ahead=57)  # 23:00 local: outside
    saturday = await make_slot(anxious, hours_ahead=102)  # Sat 28.11, 20:00 local
    fitting = await make_slot(anxious, hours_ahead=54)

    await waitlist_offers.run_pass(OFFER_MIN, now=NOW)

    assert await _open_offers() == [(entry_id, fitting.id)]
    assert {late.id, saturday.id}.isdisjoint({slot for _, slot in await _open_offers()})
    (place,) = await waitlist.mine(client.id)
    assert (place.state, place.position, place.offer.slot_id) == (
        WaitlistState.OFFERED,
        1,
        fitting.id,
    )
    assert "(Екатеринбург)" in (await Outbox.get(client_id=client.id)).text


async def test_a_client_holding_a_time_waits_and_leaving_gives_the_hold_back() -> None:
    psychologist = await make_psychologist()
    first, second = await _line(2, psychologist.id)
    busy = (await WaitlistEntry.get(id=first)).client_id
    await appointments.hold_slot(busy, (await make_slot(psychologist, 400)).id, now=NOW)
    slot = await make_slot(psychologist, hours_ahead=30)

    await waitlist_offers.run_pass(OFFER_MIN, now=NOW + minutes(1))

    assert await _open_offers() == [(second, slot.id)]
    with pytest.raises(NotFound):
        await waitlist.leave(busy, second)
    await waitlist.leave((await WaitlistEntry.get(id=second)).client_id, second)
    await slot.refresh_from_db()
    assert (slot.status, slot.held_by_id) == (SlotStatus.FREE, None)
    assert await _open_offers() == []


async def test_a_window_to_wait_in_is_checked() -> None:
    client = await make_client()
    today = date(2026, 11, 24)
    bad = {
        "date_from": Window(today - timedelta(days=1), today),
        "date_to": Window(today, today - timedelta(days=1)),
        "weekdays": Window(today, today, (7,)),
        "time_to": Window(today, today, (), 600, 540),
    }
    for field, window in bad.items():
        with pytest.raises(DomainError) as refused:
            await waitlist.join(client.id, None, window, now=NOW)
        assert refused.value.field == field
    with pytest.raises(WindowRefused) as too_far:
        await waitlist.join(client.id, None, Window(today, today + timedelta(days=91)), now=NOW)
    assert too_far.value.field == "date_to"


async def test_two_passes_at_once_make_one_offer_per_slot_and_entry() -> None:
    """Three slots, five waiting clients, passes racing on the same database: each slot is
    offered once, each entry at most once, the first in line first."""
    psychologist = await make_psychologist()
    line = await _line(5, psychologist.id)
    slots = [await make_slot(psychologist, hours_ahead=30 + n) for n in range(3)]

    for round_ in range(3):
        now = NOW + minutes(round_ * OFFER_MIN)
        await asyncio.gather(*(waitlist_offers.run_pass(OFFER_MIN, now=now) for _ in range(2)))
        offers = await _open_offers()
        assert sorted(slot for _, slot in offers) == [slot.id for slot in slots]
        assert len({entry for entry, _ in offers}) == 3
        held = await Slot.filter(status=SlotStatus.HELD).count()
        assert held == 3
    first_round = await WaitlistOffer.filter(offered_at=NOW).values_list("entry_id", flat=True)
    assert sorted(first_round) == line[:3]
    assert await WaitlistOffer.all().count() == 9


async def test_a_client_who_may_book_no_more_waits() -> None:
    psychologist = await make_psychologist()
    first, second = await _line(2, psychologist.id)
    busy = (await WaitlistEntry.get(id=first)).client_id
    booked = await make_slot(psychologist, hours_ahead=400)
    await appointments.book(busy, booked.id, BY_CLIENT, require_own_hold=False, now=NOW)
    slot = await make_slot(psychologist, hours_ahead=30)

    await waitlist_offers.run_pass(OFFER_MIN, max_active=1, now=NOW)

    assert await _open_offers() == [(second, slot.id)]
    assert (await WaitlistEntry.get(id=first)).state == WaitlistState.WAITING


async def test_an_entry_whose_days_have_passed_leaves_the_line() -> None:
    (entry_id,) = await _line(1)
    await waitlist_offers.run_pass(OFFER_MIN, now=NOW + timedelta(days=15))
    assert (
        await WaitlistEntry.get(id=entry_id)
    ).state == WaitlistState.WAITING  # 08.12 may run somewhere yet
    await waitlist_offers.run_pass(OFFER_MIN, now=NOW + timedelta(days=16))
    assert (await WaitlistEntry.get(id=entry_id)).state == WaitlistState.CANCELLED
    assert await waitlist.queue() == []


async def test_an_entry_whose_offered_slot_was_removed_waits_again() -> None:
    psychologist = await make_psychologist()
    (entry_id,) = await _line(1, psychologist.id)
    slot = await make_slot(psychologist, hours_ahead=30)
    await waitlist_offers.run_pass(OFFER_MIN, now=NOW)
    await Slot.filter(id=slot.id).delete()  # its offer goes with it

    await waitlist_offers.run_pass(OFFER_MIN, now=NOW + minutes(1))

    assert (await WaitlistEntry.get(id=entry_id)).state == WaitlistState.WAITING
