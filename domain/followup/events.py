"""The due-event runner: takes planned events whose time has come and runs each once.

Claimed events are `running` under a lease; a runner killed mid-batch leaves them to be claimed
again when the lease runs out, and a re-run writes nothing twice: messages go to the Outbox
under a key made of the event id, its due time and the recipient's chat. Each event checks, at
the moment it runs, that it still makes sense (the appointment is still unconfirmed, the
session has not begun, ...); one that became pointless while the service was down is recorded
as `dropped` with the reason, never sent late. The outcome (done / dropped / failed, a short
text, `finished_at`) stays on the row for the board and for support.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from db.claims import claim
from db.enums import AppointmentStatus, EventKind, EventState
from db.models import Appointment, Client, Manager, Psychologist, ScheduledEvent
from db.plain_sql import insert
from domain.audit import SYSTEM
from domain.booking import appointments
from domain.booking.conference import CalendarEvents
from domain.booking.planning import MIN_TIME_TO_ANSWER
from domain.errors import DomainError
from domain.i18n import translate
from domain.messaging import buttons, event_texts, outbox, texts
from domain.messaging.outbox import Message, enqueue
from domain.statuses import ACTIVE
from domain.timerules import MSK, utcnow
from domain.zones import when_text

log = logging.getLogger(__name__)

EVENT_LEASE = timedelta(minutes=2)
EVENT_BATCH = 100
# A claim counts as a run; an event that kept failing (or killing its runner) gives up.
MAX_EVENT_RUNS = 5
RETRY_BACKOFF = timedelta(seconds=30)
# A confirmation reminder this late is superseded by the next step of the chain.
REMINDER_STALE_AFTER = timedelta(hours=1)
# Asking for a review a day after the session helps nobody.
REVIEW_STALE_AFTER = timedelta(hours=24)

Outcome = tuple[EventState, str]


@dataclass(frozen=True, slots=True)
class EventLinks:
    """What the events take from the settings, not from the data: the links their messages
    carry, the admins (ADMIN_IDS) told of new bookings with the managers, and the calendar
    that holds the Meet links' events (None: no Google account is configured)."""

    preparation_url: str = ""
    admin_ids: frozenset[int] = frozenset()
    calendar: CalendarEvents | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    event: ScheduledEvent
    appointment: Appointment
    client: Client
    psychologist: Psychologist
    now: datetime
    links: EventLinks

    def client_chat(self) -> int | None:
        return None if self.client.blocked_bot else self.client.telegram_id

    async def send(
        self,
        chat_id: int | None,
        text: str,
        *,
        to_client: bool,
        reply_markup: dict[str, Any] | None = None,
    ) -> bool:
        """Queue one message of this event for one recipient; False when there is no chat."""
        return await enqueue(
            chat_id=chat_id,
            text=text,
            kind=f"event.{self.event.kind.value}",
            dedup_key=(
                f"event:{self.event.id}:{self.event.due_at.strftime('%Y%m%dT%H%M%S')}:{chat_id}"
            ),
            now=self.now,
            client_id=self.client.id if to_client else None,
            psychologist_id=None if to_client else self.psychologist.id,
            reply_markup=reply_markup,
        )

    def values(self, language: str, zone: str) -> dict[str, str]:
        return {
            "psychologist": self.psychologist.name,
            "client": self.client.name or translate(language, texts.CLIENT_FALLBACK_NAME),
            "when": when_text(self.appointment.starts_at, zone, language),
        }


def _unconfirmed(appointment: Appointment) -> bool:
    return appointment.status == AppointmentStatus.NEW and not appointment.confirmed


def _late(ctx: _Context) -> timedelta:
    return ctx.now - ctx.event.due_at


async def _confirm_request(ctx: _Context) -> Outcome:
    appointment = ctx.appointment
    if not _unconfirmed(appointment):
        return EventState.DROPPED, f"the appointment is {appointment.status.value}"
    if appointment.starts_at - ctx.now <= MIN_TIME_TO_ANSWER:
        return EventState.DROPPED, "too late to ask: the session is about to begin"
    language = ctx.client.language
    sent = await ctx.send(
        ctx.client_chat(),
        translate(
            language,
            event_texts.CONFIRM_REQUEST,
            **ctx.values(language, ctx.client.timezone),
        ),
        to_client=True,
        reply_markup=buttons.confirmation_keyboard(appointment.id, language),
    )
    if not sent:
        return EventState.DROPPED, "the client has no reachable chat"
    # However late the ask goes out, the client keeps the time to answer it.
    await ScheduledEvent.filter(
        appointment_id=appointment.id,
        kind=EventKind.AUTO_CANCEL,
        state=EventState.PENDING,
        due_at__lt=ctx.now + MIN_TIME_TO_ANSWER,
    ).update(due_at=ctx.now + MIN_TIME_TO_ANSWER)
    return EventState.DONE, "asked the client to confirm"


async def _confirm_reminder(ctx: _Context) -> Outcome:
    appointment = ctx.appointment
    if not _unconfirmed(appointment):
        return EventState.DROPPED, f"the appointment is {appointment.status.value}"
    if _late(ctx) >= REMINDER_STALE_AFTER:
        return EventState.DROPPED, "too late: the next step of the chain is due"
    asked = await ScheduledEvent.filter(
        appointment_id=appointment.id, kind=EventKind.CONFIRM_REQUEST, state=EventState.DONE
    ).exists()
    if not asked:
        return EventState.DROPPED, "the client was never asked to confirm"
    cancel_at = (
        await ScheduledEvent.filter(
            appointment_id=appointment.id,
            kind=EventKind.AUTO_CANCEL,
            state__in=(EventState.PENDING, EventState.RUNNING),
        )
        .first()
        .values_list("due_at", flat=True)
    )
    hours = max(1, round((cancel_at - ctx.now) / timedelta(hours=1))) if cancel_at else 1
    language = ctx.client.language
    sent = await ctx.send(
        ctx.client_chat(),
        translate(
            language,
            event_texts.CONFIRM_REMINDER,
            hours=hours,
            **ctx.values(language, ctx.client.timezone),
        ),
        to_client=True,
        reply_markup=buttons.confirmation_keyboard(appointment.id, language),
    )
    if not sent:
        return EventState.DROPPED, "the client has no reachable chat"
    return EventState.DONE, "reminded the client to confirm"


async def _tell_both(
    ctx: _Context,
    client_text: str,
    psychologist_text: str,
    *,
    reply_markup: dict[str, Any] | None = None,
    **values: Callable[[str], str],
) -> int:
    """Queue a message for each side in its own language; `values` are rendered per
    language. Answers how many sides have a chat to receive it."""
    told = 0
    for person, chat_id, text, to_client in (
        (ctx.client, ctx.client_chat(), client_text, True),
        (ctx.psychologist, ctx.psychologist.telegram_id, psychologist_text, False),
    ):
        language = person.language
        rendered = {name: value(language) for name, value in values.items()}
        message = translate(language, text, **rendered, **ctx.values(language, person.timezone))
        told += await ctx.send(chat_id, message, to_client=to_client, reply_markup=reply_markup)
    return told


async def _session_reminder(ctx: _Context) -> Outcome:
    appointment = ctx.appointment
    if appointment.status not in ACTIVE:
        return EventState.DROPPED, f"the appointment is {appointment.status.value}"
    if ctx.now >= appointment.starts_at:
        return EventState.DROPPED, "too late: the session has begun"
    told = await _tell_both(
        ctx,
        event_texts.SESSION_REMINDER_CLIENT,
        event_texts.SESSION_REMINDER_PSYCHOLOGIST,
        link=lambda language: (
            appointment.meeting_link or translate(language, event_texts.NO_LINK_YET)
        ),
        preparation=lambda language: (
            ctx.links.preparation_url or translate(language, event_texts.PREPARATION_TIPS)
        ),
    )
    if not told:
        return EventState.DROPPED, "neither side has a reachable chat"
    return EventState.DONE, f"reminded {told} side(s) of the session"


async def _review_request(ctx: _Context) -> Outcome:
    appointment = ctx.appointment
    if appointment.status in {AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}:
        return EventState.DROPPED, f"the appointment is {appointment.status.value}"
    if _late(ctx) > REVIEW_STALE_AFTER:
        return EventState.DROPPED, "too late: a review is asked the same day"
    told = await _tell_both(
        ctx,
        event_texts.REVIEW_REQUEST_CLIENT,
        event_texts.REVIEW_REQUEST_PSYCHOLOGIST,
        reply_markup=buttons.rating_keyboard(appointment.id),
    )
    if not told:
        return EventState.DROPPED, "neither side has a reachable chat"
    return EventState.DONE, f"asked {told} side(s) for a review"


async def _manager_alert(ctx: _Context) -> Outcome:
    """Tell every active manager and admin of a new booking, in the business language."""
    appointment = ctx.appointment
    if appointment.status not in ACTIVE:
        return EventState.DROPPED, f"the appointment is {appointment.status.value}"
    managers = await Manager.filter(is_active=True).values_list("telegram_id", flat=True)
    staff = sorted(set(managers) | ctx.links.admin_ids)
    if not staff:
        return EventState.DROPPED, "no manager or admin to tell"
    text = translate(
        "ru",
        event_texts.MANAGER_NEW_BOOKING,
        client=ctx.client.name or ctx.client.phone or "—",
        psychologist=ctx.psychologist.name,
        when=when_text(appointment.starts_at, MSK.key, "ru"),
    )
    messages = [
        Message(chat_id, text, "manager.new_booking", f"appt:{appointment.id}:manager:{chat_id}")
        for chat_id in staff
    ]
    await insert(outbox.rows(messages, ctx.now))
    return EventState.DONE, f"told {len(staff)} manager(s)"


_MESSAGE_EVENTS: dict[EventKind, Callable[[_Context], Awaitable[Outcome]]] = {
    EventKind.CONFIRM_REQUEST: _confirm_request,
    EventKind.CONFIRM_REMINDER_22H: _confirm_reminder,
    EventKind.CONFIRM_REMINDER_21H: _confirm_reminder,
    EventKind.SESSION_REMINDER: _session_reminder,
    EventKind.REVIEW_REQUEST: _review_request,
    EventKind.MANAGER_ALERT: _manager_alert,
}


def _ours(event: ScheduledEvent) -> Q:
    """The row is still this claim's: not re-armed, cancelled or re-claimed meanwhile."""
    return Q(
        id=event.id,
        state=EventState.RUNNING,
        claimed_until=event.claimed_until,
        due_at=event.due_at,
    )


async def _finish(event: ScheduledEvent, outcome: Outcome, now: datetime) -> bool:
    state, text = outcome
    finished = await ScheduledEvent.filter(_ours(event)).update(
        state=state, outcome=text[:300], finished_at=now, claimed_until=None
    )
    return bool(finished)


async def _rearm(event: ScheduledEvent, due_at: datetime, why: str) -> Outcome:
    await ScheduledEvent.filter(_ours(event)).update(
        state=EventState.PENDING, due_at=due_at, claimed_until=None, outcome=why, attempts=0
    )
    return EventState.PENDING, why


async def _auto_cancel(event: ScheduledEvent, now: datetime) -> Outcome:
    """Cancel the unconfirmed appointment, once the client has had the time to answer the ask.

    Runs outside a transaction of its own: `appointments.cancel` owns its transaction and tells the
    board after commit. A crash between the cancel and recording the outcome is repaired on
    the re-run, which finds the appointment auto-cancelled.
    """
    appointment = await Appointment.get(id=event.appointment_id)
    if appointment.auto_canceled:
        return EventState.DONE, "auto-cancelled"
    if not _unconfirmed(appointment):
        return EventState.DROPPED, f"the appointment is {appointment.status.value}"
    ask = await ScheduledEvent.filter(
        appointment_id=appointment.id, kind=EventKind.CONFIRM_REQUEST
    ).first()
    if ask is None or ask.state in {EventState.DROPPED, EventState.CANCELLED, EventState.FAILED}:
        return EventState.DROPPED, "the client was never asked to confirm"
    if ask.state in {EventState.PENDING, EventState.RUNNING}:
        return await _rearm(
            event, max(ask.due_at, now) + MIN_TIME_TO_ANSWER, "waiting for the ask to go out"
        )
    answer_by = (ask.finished_at or now) + MIN_TIME_TO_ANSWER
    if answer_by > now:
        return await _rearm(event, answer_by, "the client is still within the time to answer")
    try:
        await appointments.cancel(
            appointment.id, SYSTEM, auto=True, only_unconfirmed=True, now=now
        )
    except DomainError as refused:
        return EventState.DROPPED, f"not cancelled: {refused.message}"
    return EventState.DONE, "auto-cancelled"


async def _calendar_sync(event: ScheduledEvent, calendar: CalendarEvents | None) -> Outcome:
    """Bring the appointment's calendar event to what the appointment is now: removed when it
    is cancelled, else at its start and end. The call to the calendar is made outside any
    transaction; a change meanwhile re-arms the row, so this run's outcome is not recorded
    and the next run reads the change."""
    if calendar is None:
        return EventState.DONE, "no calendar"
    appointment = await Appointment.get(id=event.appointment_id)
    event_id = appointment.calendar_meeting_id
    if not event_id:
        return EventState.DROPPED, "the appointment has no calendar event"
    if appointment.status == AppointmentStatus.CANCELLED:
        if await calendar.remove(event_id):
            return EventState.DONE, "removed the calendar event"
        return EventState.DONE, "the calendar event was gone already"
    start = appointment.starts_at
    end = start + timedelta(minutes=appointment.duration_min)
    if not await calendar.move(event_id, start, end):
        return EventState.DROPPED, "the calendar event is gone from the calendar"
    return EventState.DONE, f"moved the calendar event to {start.isoformat()}"


async def _run_message_event(event: ScheduledEvent, now: datetime, links: EventLinks) -> Outcome:
    async with in_transaction():
        # The appointment's row lock orders this run after (or before) a concurrent cancel,
        # confirm or reschedule of the same appointment.
        appointment = await Appointment.filter(id=event.appointment_id).select_for_update().first()
        if appointment is None or not await ScheduledEvent.filter(_ours(event)).exists():
            return EventState.CANCELLED, "changed while running"
        ctx = _Context(
            event=event,
            appointment=appointment,
            client=await Client.get(id=appointment.client_id),
            psychologist=await Psychologist.get(id=appointment.psychologist_id),
            now=now,
            links=links,
        )
        outcome = await _MESSAGE_EVENTS[event.kind](ctx)
        await _finish(event, outcome, now)
    return outcome


async def _run_one(event_id: int, now: datetime, links: EventLinks) -> EventState:
    event = await ScheduledEvent.get(id=event_id)
    if event.attempts > MAX_EVENT_RUNS:
        await _finish(event, (EventState.FAILED, f"gave up after {MAX_EVENT_RUNS} runs"), now)
        return EventState.FAILED
    try:
        if event.kind == EventKind.AUTO_CANCEL:
            outcome = await _auto_cancel(event, now)
            if outcome[0] != EventState.PENDING:
                await _finish(event, outcome, now)
        elif event.kind == EventKind.CALENDAR_SYNC:
            outcome = await _calendar_sync(event, links.calendar)
            await _finish(event, outcome, now)
        else:
            outcome = await _run_message_event(event, now, links)
    except Exception as exc:
        log.exception("event %s (%s) failed; it is retried later", event.id, event.kind.value)
        # Keep the claim, push its lease out: the event is claimable again after the backoff.
        await ScheduledEvent.filter(_ours(event)).update(
            claimed_until=now + RETRY_BACKOFF * event.attempts,
            outcome=f"error: {type(exc).__name__}: {exc}"[:300],
        )
        return EventState.RUNNING
    log.info("event %s %s: %s (%s)", event.id, event.kind.value, outcome[0].value, outcome[1])
    return outcome[0]


def claimable_events(now: datetime) -> Q:
    """Pending events whose time has come, and running ones whose runner lost its lease."""
    return Q(state=EventState.PENDING, due_at__lte=now) | Q(
        state=EventState.RUNNING, claimed_until__lte=now
    )


async def oldest_due(now: datetime) -> datetime | None:
    """When the longest-waiting unfinished event fell due (None: nothing due by `now`)."""
    return (
        await ScheduledEvent.filter(
            state__in=[EventState.PENDING, EventState.RUNNING], due_at__lte=now
        )
        .order_by("due_at")
        .first()
        .values_list("due_at", flat=True)
    )


async def run_due_events(
    *,
    now: datetime | None = None,
    limit: int = EVENT_BATCH,
    links: EventLinks | None = None,
    lease: timedelta = EVENT_LEASE,
) -> Counter[str]:
    """Claim up to `limit` due events and run them in due order; answers how many ended in
    each state (`running` = failed this time, retried after a backoff; `pending` = re-armed).
    A runner that dies leaves its unfinished claims to others once `lease` has passed."""
    claim_now = now or utcnow()
    ids = await claim(
        ScheduledEvent,
        claimable_events(claim_now),
        order_by=("due_at", "id"),
        running=EventState.RUNNING,
        lease_until=claim_now + lease,
        limit=limit,
        count_attempt=True,
    )
    report: Counter[str] = Counter()
    for event_id in ids:
        state = await _run_one(event_id, now or utcnow(), links or EventLinks())
        report[state.value] += 1
    return report
