"""The cron job bodies and their wiring: each tick runs once (per process without Redis,
across instances with it), the event loop wakes as soon as a change plans a due event."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from db.enums import Actor, AppointmentStatus, EventKind, EventState
from db.models import Outbox, ScheduledEvent
from domain.audit import Initiator
from domain.booking import appointments
from domain.followup import jobs
from domain.followup.events import EventLinks
from domain.followup.jobs import CronJob, cron_jobs
from domain.timerules import MSK, utcnow
from infra.scheduler import Scheduler, tick_of
from services import Signals
from tests.harness.builders import (
    BY_CLIENT,
    NOW,
    booked,
    hours,
    make_client,
    make_psychologist,
    make_slot,
)
from tests.harness.stores import REDIS_URL

pytestmark = pytest.mark.usefixtures("database")


async def test_sessions_provided_counts_completed_sessions_of_the_month() -> None:
    psychologist = await make_psychologist(number_of_clients_provided=7)
    idle = await make_psychologist(number_of_clients_provided=3)
    for hours_ahead in (1, 3, 5):
        slot = await make_slot(psychologist, hours_ahead)
        person = await make_client()
        await appointments.book(person.id, slot.id, BY_CLIENT, require_own_hold=False, now=NOW)
    after_all = NOW + hours(7)
    assert await jobs.complete_finished_sessions(now=after_all) == 3
    await appointments.change_status(
        (await psychologist.appointments.all().order_by("starts_at").first()).id,
        AppointmentStatus.NO_SHOW,
        Initiator(Actor.MANAGER, ref="1"),
        now=after_all,
    )

    assert await jobs.update_sessions_provided(now=after_all) == 2
    assert await jobs.update_sessions_provided(now=after_all) == 0  # idempotent
    await psychologist.refresh_from_db()
    await idle.refresh_from_db()
    assert (psychologist.number_of_clients_provided, idle.number_of_clients_provided) == (2, 0)


async def test_finished_sessions_complete_silently_unless_marked_otherwise() -> None:
    appointment, client, _ = await booked(3)
    end = appointment.starts_at + timedelta(minutes=appointment.duration_min)
    messages_before = await Outbox.all().count()

    assert await jobs.complete_finished_sessions(now=end - timedelta(seconds=1)) == 0
    assert await jobs.complete_finished_sessions(now=end) == 1
    assert await jobs.complete_finished_sessions(now=end) == 0
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED
    assert await Outbox.all().count() == messages_before
    cancelled, _, _ = await booked(4)
    await appointments.cancel(cancelled.id, BY_CLIENT, now=NOW)
    assert await jobs.complete_finished_sessions(now=NOW + hours(10)) == 0


async def test_slots_reminder_asks_only_those_with_too_few_next_week() -> None:
    # NOW is Tuesday 24.11 (MSK); next week is Monday 30.11 .. Sunday 06.12
    busy = await make_psychologist()
    few = await make_psychologist()
    await make_psychologist(is_active=False)
    next_monday = 6 * 24 - 12 + 10  # hours from NOW to 30.11 10:00 MSK
    for n in range(jobs.MIN_SLOTS_NEXT_WEEK):
        await make_slot(busy, next_monday + n)
    await make_slot(few, next_monday)
    await make_slot(few, 2)  # this week's do not count

    assert await jobs.remind_to_enter_slots(now=NOW) == 1
    assert await jobs.remind_to_enter_slots(now=NOW) == 1  # same day: the same one message
    [reminder] = await Outbox.filter(kind="job.slots_reminder")
    assert reminder.chat_id == few.telegram_id
    assert "(30.11-06.12)" in reminder.text
    assert "сейчас их 1" in reminder.text


async def test_hourly_check_plans_missing_events_and_runs_due_ones() -> None:
    appointment, client, _ = await booked(48)
    await ScheduledEvent.filter(appointment_id=appointment.id).delete()  # e.g. an import

    report = await jobs.hourly_checks(now=appointment.starts_at - hours(23.5))

    assert report["planned"] == 1
    ask = await ScheduledEvent.get(appointment_id=appointment.id, kind=EventKind.CONFIRM_REQUEST)
    assert ask.state == EventState.DONE
    assert await Outbox.filter(chat_id=client.telegram_id, kind="event.confirm_request").exists()


def test_seed_jobs_run_at_the_seed_times_in_msk() -> None:
    specs = {job.name: job.spec for job in cron_jobs(EventLinks())}
    assert specs == {
        "sessions_provided": "0 21 * * *",
        "slots_reminder": "0 19 * * 3,6",
        "session_statuses": "*/10 * * * *",
        "hourly_checks": "0 * * * *",
        "slot_rules": "30 3 * * *",
    }
    assert tick_of(NOW - timedelta(seconds=1)) == tick_of(NOW + timedelta(seconds=20))
    assert tick_of(NOW) == NOW.astimezone(MSK).strftime("%Y-%m-%dT%H:%M")


async def test_a_tick_runs_once_per_process(signals: Signals) -> None:
    runs: list[int] = []

    async def body() -> None:
        runs.append(1)
        await asyncio.sleep(0.05)

    async with Scheduler(signals, jobs=[CronJob("probe", "0 0 1 1 *", body)]) as scheduler:
        results = await asyncio.gather(
            scheduler.run_job("probe", tick="t1"), scheduler.run_job("probe", tick="t1")
        )
        assert sorted(results) == [False, True]
        assert await scheduler.run_job("probe", tick="t2")
    assert len(runs) == 2


async def test_a_failing_job_is_logged_and_the_scheduler_goes_on(
    caplog: pytest.LogCaptureFixture, signals: Signals
) -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    async with Scheduler(signals, jobs=[CronJob("broken", "0 0 1 1 *", broken)]) as scheduler:
        assert await scheduler.run_job("broken", tick="t1")
        assert await scheduler.run_job("broken", tick="t2")
    assert "cron job broken failed at tick t1" in caplog.text


@pytest.mark.skipif(not REDIS_URL, reason="this run has no Redis configured (SQLite run)")
async def test_a_tick_runs_on_one_instance_only_with_redis() -> None:
    runs: list[str] = []
    tick = f"test-{utcnow().timestamp()}"

    async def body() -> None:
        runs.append(tick)

    first, second = Redis.from_url(REDIS_URL), Redis.from_url(REDIS_URL)
    try:
        job = [CronJob("redis_probe", "0 0 1 1 *", body)]
        async with (
            Scheduler(Signals(), jobs=job, redis=first) as one,
            Scheduler(Signals(), jobs=job, redis=second) as two,
        ):
            ran = await asyncio.gather(
                one.run_job("redis_probe", tick=tick), two.run_job("redis_probe", tick=tick)
            )
        assert sorted(ran) == [False, True]
        assert runs == [tick]
        assert 0 < await first.pttl(f"cron:redis_probe:{tick}") <= 10 * 60 * 1000
    finally:
        await first.delete(f"cron:redis_probe:{tick}")
        await first.aclose()
        await second.aclose()


async def test_the_event_loop_wakes_when_a_change_plans_a_due_event(signals: Signals) -> None:
    psychologist = await make_psychologist()
    person = await make_client()
    soon = utcnow().replace(microsecond=0) + timedelta(hours=1)
    slot = await psychologist.slots.create(starts_at=soon)
    async with Scheduler(signals, jobs=[], event_tick_s=600):
        await asyncio.sleep(0.05)  # the loop has looked once and now sleeps for 10 minutes
        await appointments.book(person.id, slot.id, BY_CLIENT, require_own_hold=False)
        for _ in range(200):
            if await Outbox.filter(kind="event.session_reminder").exists():
                break
            await asyncio.sleep(0.01)
    # booked an hour ahead: the session reminder is due at once and went out at once
    assert await Outbox.filter(kind="event.session_reminder", chat_id=person.telegram_id).exists()


async def test_a_job_marked_at_start_runs_once_as_the_scheduler_starts(signals: Signals) -> None:
    started = asyncio.Event()

    async def body() -> None:
        started.set()

    jobs = [CronJob("eager", "0 0 1 1 *", body, at_start=True)]
    async with Scheduler(signals, jobs=jobs):
        async with asyncio.timeout(5):
            await started.wait()
