"""Filling the demo, through the same use cases the product's own people use, so every demo
row obeys the rules real ones do: the anketa save of /psychologist-form, the schedule
editor's bulk add, a client's sign-in, hold and booking in the bot, the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tortoise.transactions import in_transaction

from db.enums import Actor, ManagerRole, SlotStatus
from db.models import Client, Manager, Psychologist, Slot
from domain import audit
from domain.audit import Initiator
from domain.booking import appointments, catalogue, client_booking
from domain.changes import data_changed
from domain.demo import cast
from domain.demo.cast import DemoBooking, DemoPsychologist, Person
from domain.people import clients, psychologists
from domain.schedule import editor
from domain.timerules import MSK, utcnow

DAYS_AHEAD = 21
DEMO = Initiator(Actor.SYSTEM, ref="demo", source="demo")


class Outcome(StrEnum):
    FILLED = "filled"
    PRESENT = "present"  # the demo was filled before: nothing changed
    NOT_EMPTY = "not_empty"  # the database holds other data: nothing changed


@dataclass(frozen=True, slots=True)
class DemoFill:
    outcome: Outcome
    psychologists: int = 0
    slots: int = 0
    bookings: int = 0
    services: int = 0


@dataclass(frozen=True, slots=True)
class Personas:
    """Whom a sandbox visitor can be in one click (Telegram ids and names)."""

    client: Person
    manager: Person
    psychologist: Person | None  # None when the demo was not filled


async def is_empty() -> bool:
    """No psychologist, no manager and no client: nobody has used this database yet."""
    return not (await Psychologist.exists() or await Manager.exists() or await Client.exists())


async def has_demo() -> bool:
    return await Psychologist.filter(telegram_id=cast.PERSONA_PSYCHOLOGIST.telegram_id).exists()


async def fill(*, now: datetime | None = None) -> DemoFill:
    """Fill the demo into an empty database, all or nothing; a database that already holds the
    demo, or any other data, is left as it is (the outcome says which).

    Run it before anything listens to changes: the use cases announce theirs as they go,
    inside the one transaction that holds the whole demo."""
    now = now or utcnow()
    async with in_transaction():
        if await has_demo():
            return DemoFill(Outcome.PRESENT)
        if not await is_empty():
            return DemoFill(Outcome.NOT_EMPTY)
        services = [
            await catalogue.create_service(
                DEMO, name=item.name, price=item.price, duration_min=item.duration_min
            )
            for item in cast.SERVICES
        ]
        ids = [await _psychologist(item) for item in cast.PSYCHOLOGISTS]
        first_day = now.astimezone(MSK).date() + timedelta(days=1)
        slots = 0
        for psychologist_id, item in zip(ids, cast.PSYCHOLOGISTS, strict=True):
            slots += await _working_hours(psychologist_id, item, first_day, now)
        await _manager(cast.MANAGER)
        for booking in cast.BOOKINGS:
            await _booking(booking, ids[booking.psychologist], now)
    return DemoFill(Outcome.FILLED, len(ids), slots, len(cast.BOOKINGS), len(services))


async def sandbox_personas() -> Personas:
    """The sandbox's personas; the manager persona is made an active manager when it is not
    one (the sandbox promises manager rights without ADMIN_IDS). Sandbox mode only: this
    writes a manager row into whatever database it is given."""
    await _manager(cast.MANAGER)
    psychologist = cast.PERSONA_PSYCHOLOGIST if await has_demo() else None
    return Personas(cast.CLIENT, cast.MANAGER, psychologist)


async def _psychologist(item: DemoPsychologist) -> int:
    saved = await psychologists.save_anketa(
        item.person.telegram_id, dict(item.anketa), list(item.education), DEMO
    )
    return saved.psychologist.id


async def _working_hours(
    psychologist_id: int, item: DemoPsychologist, first_day: date, now: datetime
) -> int:
    """Free hour-long times in the psychologist's working windows, for DAYS_AHEAD days."""
    added = 0
    for offset in range(DAYS_AHEAD):
        day = first_day + timedelta(days=offset)
        for hours in item.hours:
            if day.weekday() in hours.weekdays:
                done = await editor.bulk_add(
                    psychologist_id, day, hours.start, hours.end, tz=MSK, now=now
                )
                added += len(done.added)
    return added


async def _manager(person: Person) -> None:
    async with in_transaction():
        manager = await Manager.filter(telegram_id=person.telegram_id).first()
        if manager is not None and manager.is_active:
            return
        if manager is None:
            manager = await Manager.create(
                telegram_id=person.telegram_id, name=person.name, role=ManagerRole.MANAGER
            )
        else:
            manager.is_active = True
            await manager.save(update_fields=["is_active"])
        await audit.record(DEMO, "manager.demo", "manager", manager.id)
    await data_changed("staff.changed")


async def _booking(booking: DemoBooking, psychologist_id: int, now: datetime) -> None:
    """The client signs in with their own contact, holds a free time and books it."""
    client, _created = await clients.sign_in(
        booking.client.telegram_id,
        name=booking.client.name,
        phone=booking.phone,
        phone_verified=True,
    )
    slot = (
        await Slot.filter(
            psychologist_id=psychologist_id, status=SlotStatus.FREE, starts_at__gt=now
        )
        .order_by("starts_at")
        .offset(booking.nth)
        .first()
    )
    assert slot is not None, "the demo's working hours leave free times to book"
    initiator = Initiator(Actor.CLIENT, ref=str(booking.client.telegram_id), source="demo")
    await appointments.hold_slot(client.id, slot.id, now=now)
    session = await client_booking.book_with_request(
        client.id,
        slot.id,
        booking.queries,
        {"max_price": None, "source": "demo"},
        initiator,
        max_active=0,
        now=now,
    )
    if booking.confirmed:
        await client_booking.confirm_own(client.id, session.id, initiator)
