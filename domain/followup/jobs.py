"""The periodic jobs: their bodies, and when each runs (`cron_jobs`, plain data that the
scheduler in infra/scheduler.py runs).

Each is idempotent: running a tick twice (a retry, two instances racing past the lock) changes
nothing more than running it once.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from db.enums import AppointmentStatus
from db.models import Appointment, Psychologist, ScheduledEvent, Slot
from domain.audit import SYSTEM
from domain.booking import appointments, planning
from domain.errors import DomainError
from domain.followup.events import EVENT_BATCH, EventLinks, run_due_events
from domain.i18n import translate
from domain.messaging import event_texts
from domain.messaging.outbox import enqueue
from domain.schedule.rules import keep_rules_ahead
from domain.statuses import ACTIVE
from domain.timerules import MSK, format_day_month, range_bounds, utcnow, week_start

log = logging.getLogger(__name__)

# A psychologist with fewer slots than this in next week is reminded to add some.
MIN_SLOTS_NEXT_WEEK = 5
# The hourly safety net runs due events until none is left, but never without end.
MAX_SAFETY_NET_BATCHES = 50


def _month_bounds(now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(MSK).date()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return range_bounds(first, last, MSK)


async def update_sessions_provided(*, now: datetime | None = None) -> int:
    """Set each psychologist's `number_of_clients_provided` to the sessions completed this
    month (MSK); answers how many psychologists changed."""
    start, end = _month_bounds(now or utcnow())
    rows = (
        await Appointment.filter(
            status=AppointmentStatus.COMPLETED, starts_at__gte=start, starts_at__lt=end
        )
        .annotate(sessions=Count("id"))
        .group_by("psychologist_id")
        .values("psychologist_id", "sessions")
    )
    sessions = {row["psychologist_id"]: row["sessions"] for row in rows}
    changed = []
    for psychologist in await Psychologist.all().only("id", "number_of_clients_provided"):
        count = sessions.get(psychologist.id, 0)
        if psychologist.number_of_clients_provided != count:
            psychologist.number_of_clients_provided = count
            changed.append(psychologist)
    if changed:
        await Psychologist.bulk_update(changed, fields=["number_of_clients_provided"])
    return len(changed)


def next_week(now: datetime) -> tuple[date, date]:
    """Monday and Sunday of the calendar week after the current one, in MSK."""
    monday = week_start(now.astimezone(MSK).date()) + timedelta(weeks=1)
    return monday, monday + timedelta(days=6)


async def remind_to_enter_slots(*, now: datetime | None = None) -> int:
    """Ask active psychologists with fewer than MIN_SLOTS_NEXT_WEEK slots next week to add
    theirs; answers how many were asked. One reminder per psychologist and day."""
    now = now or utcnow()
    monday, sunday = next_week(now)
    start, end = range_bounds(monday, sunday, MSK)
    rows = (
        await Slot.filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(slots=Count("id"))
        .group_by("psychologist_id")
        .values("psychologist_id", "slots")
    )
    slots = {row["psychologist_id"]: row["slots"] for row in rows}
    week = f"{format_day_month(monday)}-{format_day_month(sunday)}"
    today = now.astimezone(MSK).date().isoformat()
    asked = 0
    async with in_transaction():
        for psychologist in await Psychologist.filter(is_active=True, telegram_id__isnull=False):
            count = slots.get(psychologist.id, 0)
            if count >= MIN_SLOTS_NEXT_WEEK:
                continue
            await enqueue(
                chat_id=psychologist.telegram_id,
                text=translate(
                    psychologist.language,
                    event_texts.SLOTS_REMINDER,
                    week=week,
                    count=count,
                    needed=MIN_SLOTS_NEXT_WEEK,
                ),
                kind="job.slots_reminder",
                dedup_key=f"slots-reminder:{psychologist.id}:{today}",
                now=now,
                psychologist_id=psychologist.id,
            )
            asked += 1
    return asked


async def complete_finished_sessions(*, now: datetime | None = None) -> int:
    """Mark sessions that have ended `completed`, unless someone marked them otherwise (a
    no-show, a cancel); answers how many were completed. Nobody is messaged for it."""
    now = now or utcnow()
    started = await Appointment.filter(status__in=list(ACTIVE), starts_at__lte=now).only(
        "id", "starts_at", "duration_min"
    )
    completed = 0
    for appointment in started:
        if appointment.starts_at + timedelta(minutes=appointment.duration_min) > now:
            continue
        try:
            await appointments.change_status(
                appointment.id, AppointmentStatus.COMPLETED, SYSTEM, notify=False, now=now
            )
        except DomainError as refused:  # changed by someone meanwhile: theirs stands
            log.info("appointment %s not completed: %s", appointment.id, refused.message)
            continue
        completed += 1
    return completed


async def plan_missing_events(*, now: datetime | None = None) -> int:
    """Plan the events of upcoming active appointments that have none (rows imported or
    written around the booking core); answers how many appointments were planned."""
    now = now or utcnow()
    bare = await Appointment.filter(
        Q(status__in=list(ACTIVE), starts_at__gt=now)
        & ~Q(id__in=Subquery(ScheduledEvent.all().values("appointment_id")))
    ).values_list("id", flat=True)
    planned = 0
    for appointment_id in bare:
        async with in_transaction():
            appointment = await Appointment.filter(id=appointment_id).select_for_update().first()
            if (
                appointment is None
                or await ScheduledEvent.filter(appointment_id=appointment_id).exists()
            ):
                continue
            plan = planning.plan_for(
                appointment.starts_at,
                timedelta(minutes=appointment.duration_min),
                now,
                confirmed=appointment.confirmed,
            )
            await planning.write_events(appointment, plan.events)
        planned += 1
    return planned


async def hourly_checks(
    *, now: datetime | None = None, links: EventLinks | None = None
) -> Counter[str]:
    """The seed's hourly checks (auto-cancel, session and review reminders) as a safety net
    under the event loop: plan what is missing, then run every event that is due."""
    report: Counter[str] = Counter(planned=await plan_missing_events(now=now))
    for _batch in range(MAX_SAFETY_NET_BATCHES):
        ran = await run_due_events(now=now, links=links)
        report.update(ran)
        if sum(ran.values()) < EVENT_BATCH:
            break
    return report


@dataclass(frozen=True, slots=True)
class CronJob:
    """A periodic job: its name (one run per tick across instances is kept by it), when it
    runs (a crontab spec in MSK), its body, and whether it also runs once at start-up."""

    name: str
    spec: str
    body: Callable[[], Awaitable[object]]
    at_start: bool = False


def cron_jobs(links: EventLinks) -> list[CronJob]:
    """Which job runs when."""
    return [
        # Обновление количества сессий: every day at 21:00 MSK.
        CronJob("sessions_provided", "0 21 * * *", update_sessions_provided),
        # Напоминание о внесении слотов: Wednesday and Saturday at 19:00 MSK.
        CronJob("slots_reminder", "0 19 * * 3,6", remind_to_enter_slots),
        # Обновление статусов сессий: a finished session becomes completed within 10 minutes.
        CronJob("session_statuses", "*/10 * * * *", complete_finished_sessions),
        # Автоотмена, напоминания о сессиях и об отзывах: hourly checks under the event loop.
        CronJob("hourly_checks", "0 * * * *", lambda: hourly_checks(links=links)),
        # Weekly rules keep their slots four weeks ahead: daily at 03:30 MSK, and at start-up
        # (a day the service was down is caught up at once).
        CronJob("slot_rules", "30 3 * * *", keep_rules_ahead, at_start=True),
    ]
