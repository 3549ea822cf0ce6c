"""Planning requests of integrations (`/plan-events`, `/plan-client-events`): create or replace
the planned events of the appointment in a slot. Only planning happens here; the due-event
runner executes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from db.enums import EventKind
from db.models import Appointment, Psychologist
from domain import audit
from domain.audit import Initiator
from domain.booking import appointments, planning
from domain.booking.conference import check_meeting_link
from domain.changes import appointment_changed
from domain.errors import Conflict
from domain.tickets import leads
from domain.timerules import MSK, utcnow

# The switches of /plan-events, one per event of the confirmation chain.
CHAIN_SWITCHES: dict[str, EventKind] = {
    "confirmation": EventKind.CONFIRM_REQUEST,
    "reminder_22h": EventKind.CONFIRM_REMINDER_22H,
    "reminder_21h": EventKind.CONFIRM_REMINDER_21H,
    "auto_cancel": EventKind.AUTO_CANCEL,
}


@dataclass(frozen=True, slots=True)
class PlannedEvents:
    appointment: Appointment
    events: dict[EventKind, datetime]


@dataclass(frozen=True, slots=True)
class SlotFacts:
    """What a `/plan-client-events` caller says about the slot; checked against ours."""

    psychologist: str | None = None
    starts_at: datetime | None = None
    meeting_link: str = ""
    meeting_id: str = ""
    calendar_meeting_id: str = ""
    confirmed: bool = False


async def _write(
    appointment: Appointment,
    events: dict[EventKind, datetime],
    initiator: Initiator,
) -> PlannedEvents:
    async with in_transaction():
        await planning.write_events(appointment, events)
        await audit.record(
            initiator,
            "appointment.events_planned",
            "appointment",
            appointment.id,
            events=sorted(kind.value for kind in events),
        )
    return PlannedEvents(appointment, events)


def _plan(appointment: Appointment, now: datetime) -> dict[EventKind, datetime]:
    return planning.plan_for(
        appointment.starts_at,
        timedelta(minutes=appointment.duration_min),
        now,
        confirmed=appointment.confirmed,
    ).events


async def plan_events(
    slot_id: int, switches: dict[str, bool], initiator: Initiator, *, now: datetime | None = None
) -> PlannedEvents:
    """Arm the switched-on events of the confirmation chain (at their DESIGN times) plus the
    session reminder and the review request; switched-off chain events are cancelled."""
    now = now or utcnow()
    appointment = await leads.appointment_in_slot(slot_id)
    off = {kind for switch, kind in CHAIN_SWITCHES.items() if not switches.get(switch)}
    events = {kind: due for kind, due in _plan(appointment, now).items() if kind not in off}
    return await _write(appointment, events, initiator)


async def plan_client_events(
    slot_id: int, facts: SlotFacts, initiator: Initiator, *, now: datetime | None = None
) -> PlannedEvents:
    """Replace the appointment's events with the full plan; store the meeting fields given,
    and record a confirmation the caller reports."""
    now = now or utcnow()
    check_meeting_link(facts.meeting_link)
    appointment = await leads.appointment_in_slot(slot_id)
    if facts.psychologist is not None:
        name = await Psychologist.get(id=appointment.psychologist_id).values_list(
            "name", flat=True
        )
        if name != facts.psychologist.strip():
            raise Conflict("the slot belongs to another psychologist", field="psychologist")
    if facts.starts_at is not None and facts.starts_at != appointment.starts_at:
        raise Conflict(
            f"the slot starts at {appointment.starts_at.astimezone(MSK):%Y-%m-%d %H:%M} MSK",
            field="starts_at",
        )
    meeting = {
        field: value
        for field, value in (
            ("meeting_link", facts.meeting_link),
            ("meeting_id", facts.meeting_id),
            ("calendar_meeting_id", facts.calendar_meeting_id),
        )
        if value
    }
    if meeting:
        await Appointment.filter(id=appointment.id).update(**meeting)
        await appointment_changed("appointment.updated", appointment.id)
    if facts.confirmed and not appointment.confirmed:
        await appointments.confirm(appointment.id, initiator, now=now)
    await appointment.refresh_from_db()
    return await _write(appointment, _plan(appointment, now), initiator)
