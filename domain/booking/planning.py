"""Planned events of an appointment: the confirmation chain, the session
reminder and the review request. Written in the transaction of the booking; a cancel cancels
them, a reschedule moves them. A move or a cancel of a session with a Google Calendar event
also arms the event that brings the calendar along.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from db.enums import EventKind, EventState
from db.models import Appointment, ScheduledEvent
from db.plain_sql import Rows

ASK_AHEAD = timedelta(hours=24)
REMINDER_22H = timedelta(hours=22)
REMINDER_21H = timedelta(hours=21)
AUTO_CANCEL_AHEAD = timedelta(hours=20)
MIN_TIME_TO_ANSWER = timedelta(hours=2)
CONFIRMED_WHEN_BOOKED_WITHIN = timedelta(hours=4)
SESSION_REMINDER_AHEAD = timedelta(hours=2)
REVIEW_AFTER_END = timedelta(hours=1)

CONFIRMATION_CHAIN = frozenset(
    {
        EventKind.CONFIRM_REQUEST,
        EventKind.CONFIRM_REMINDER_22H,
        EventKind.CONFIRM_REMINDER_21H,
        EventKind.AUTO_CANCEL,
    }
)


@dataclass(frozen=True, slots=True)
class Plan:
    events: dict[EventKind, datetime]
    confirmed_on_booking: bool


# The kinds a plan arms from the session's time; a new booking's manager alert and the
# calendar's following of a change are not.
PLANNED = frozenset(EventKind) - {EventKind.MANAGER_ALERT, EventKind.CALENDAR_SYNC}


def plan_for(
    starts_at: datetime, duration: timedelta, now: datetime, *, confirmed: bool = False
) -> Plan:
    """When each event of an appointment at `starts_at`, booked or moved at `now`, is due."""
    lead = starts_at - now
    events: dict[EventKind, datetime] = {
        EventKind.SESSION_REMINDER: max(starts_at - SESSION_REMINDER_AHEAD, now),
        EventKind.REVIEW_REQUEST: starts_at + duration + REVIEW_AFTER_END,
    }
    if confirmed or lead <= CONFIRMED_WHEN_BOOKED_WITHIN:
        return Plan(events, confirmed_on_booking=not confirmed)
    ask_at = max(starts_at - ASK_AHEAD, now)
    events[EventKind.CONFIRM_REQUEST] = ask_at
    for kind, ahead in (
        (EventKind.CONFIRM_REMINDER_22H, REMINDER_22H),
        (EventKind.CONFIRM_REMINDER_21H, REMINDER_21H),
    ):
        if starts_at - ahead > ask_at:  # a reminder that would come before the ask is pointless
            events[kind] = starts_at - ahead
    events[EventKind.AUTO_CANCEL] = max(starts_at - AUTO_CANCEL_AHEAD, ask_at + MIN_TIME_TO_ANSWER)
    return Plan(events, confirmed_on_booking=False)


_EVENT_COLUMNS = ("appointment_id", "kind", "due_at", "state", "attempts", "outcome", "created_at")


def new_event_rows(
    appointment_id: int, events: dict[EventKind, datetime], created_at: datetime
) -> Rows:
    """The events of a new appointment (it has none yet), for `db.plain_sql.insert` with the
    booking's other rows."""
    pending = EventState.PENDING.value
    return Rows(
        "scheduled_events",
        _EVENT_COLUMNS,
        [
            (appointment_id, kind.value, due_at, pending, 0, "", created_at)
            for kind, due_at in events.items()
        ],
    )


async def write_events(appointment: Appointment, events: dict[EventKind, datetime]) -> None:
    """Arm exactly `events` for the appointment: existing rows are re-armed at their new time
    (one row per kind), kinds not in the plan are cancelled."""
    existing = {
        row.kind: row
        for row in await ScheduledEvent.filter(
            appointment_id=appointment.id, kind__in=list(PLANNED)
        )
    }
    new_rows = []
    for kind, due_at in events.items():
        row = existing.pop(kind, None)
        if row is None:
            new_rows.append(
                ScheduledEvent(appointment_id=appointment.id, kind=kind, due_at=due_at)
            )
        elif row.due_at != due_at or row.state != EventState.PENDING:
            row.due_at, row.state, row.attempts = due_at, EventState.PENDING, 0
            row.claimed_until, row.outcome, row.finished_at = None, "", None
            await row.save()
    if new_rows:
        await ScheduledEvent.bulk_create(new_rows)
    stale = [row.id for row in existing.values() if row.state == EventState.PENDING]
    if stale:
        await ScheduledEvent.filter(id__in=stale).update(
            state=EventState.CANCELLED, outcome="not in the plan any more"
        )


async def cancel_events(
    appointment_id: int, reason: str, kinds: frozenset[EventKind] | None = None
) -> int:
    """Cancel the appointment's pending events (all, or only `kinds`)."""
    query = ScheduledEvent.filter(appointment_id=appointment_id, state=EventState.PENDING)
    if kinds is not None:
        query = query.filter(kind__in=list(kinds))
    return await query.update(state=EventState.CANCELLED, outcome=reason[:300])


async def arm_calendar_sync(appointment: Appointment, now: datetime) -> None:
    """In the transaction of a move or a cancel: have the runner bring the appointment's
    calendar event to what the appointment is when it runs (moved, or removed). One row per
    appointment, re-armed on each change; nothing without a calendar event.

    A run in flight (running, its lease not over) may have read the appointment before this
    change: the re-armed run waits for its lease to end, so its call to the calendar cannot
    overtake that older one's.
    """
    if not appointment.calendar_meeting_id:
        return
    row = await ScheduledEvent.filter(
        appointment_id=appointment.id, kind=EventKind.CALENDAR_SYNC
    ).first()
    if row is None:
        await ScheduledEvent.create(
            appointment_id=appointment.id, kind=EventKind.CALENDAR_SYNC, due_at=now
        )
        return
    due_at = now
    if row.state == EventState.RUNNING and row.claimed_until is not None:
        due_at = max(now, row.claimed_until)
    row.due_at, row.state, row.attempts = due_at, EventState.PENDING, 0
    row.claimed_until, row.outcome, row.finished_at = None, "", None
    await row.save()
