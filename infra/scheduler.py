"""The scheduler: runs periodic jobs on aiocron (their names, times and bodies are the domain's,
domain/followup/jobs.py `cron_jobs`) and the loop that runs due scheduled events.

Every instance runs a Scheduler; each cron tick runs on one of them only: the first to set the
Redis key `cron:<job>:<tick minute>` (SET NX PX) runs it, the others skip; without Redis an
in-process guard does the same for the tasks of one process. A job marked `at_start` also
runs once as the scheduler starts (a tick of its own, under the same lock). Scheduled events
need no such lock: the runner claims them row by row, so every instance runs the loop. The
waitlist's pass (offers lapse, free slots are offered to the first in line) runs in the same
loop after the events, on every instance too: it locks what it offers row by row
(domain.booking.waitlist_offers).

A job and the event loop run bound to the process's signals (services.Signals): what they
change reaches the process's listeners, and the outbox sender is woken once they are done; a
committed appointment change wakes the event loop (it may have planned an event due now, or
a cancel or a move may have freed a slot someone waits for).

aiocron binds its loop when a job is created and would start at once: jobs are created with
`start=False` inside the running loop (`async with Scheduler(...)`), started there and
stopped on the way out, with `tz=` given explicitly. A job body's error is logged, never lost
in a future nobody awaits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from types import TracebackType

import aiocron
from redis.asyncio import Redis

from domain.booking import waitlist_offers
from domain.changes import AppointmentChange, Change
from domain.followup.events import EVENT_BATCH, EventLinks, run_due_events
from domain.followup.jobs import CronJob
from domain.timerules import MSK, utcnow
from metrics import Metrics
from services import Signals

log = logging.getLogger(__name__)

# Long enough to cover clock skew between instances, far shorter than any job's period.
TICK_LOCK_TTL_MS = 10 * 60 * 1000


def tick_of(instant: datetime) -> str:
    """The scheduled minute a tick belongs to (a clock a little early or late still agrees)."""
    nearest = (instant + timedelta(seconds=30)).astimezone(MSK)
    return nearest.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


class TickGuard:
    """Decides which instance runs a tick: Redis across instances, memory within one."""

    def __init__(self, redis: Redis | None) -> None:
        self._redis = redis
        self._owner = uuid.uuid4().hex
        self._seen: dict[str, str] = {}

    async def first(self, job: str, tick: str) -> bool:
        """True for exactly one caller per (job, tick)."""
        if self._redis is not None:
            taken = await self._redis.set(
                f"cron:{job}:{tick}", self._owner, nx=True, px=TICK_LOCK_TTL_MS
            )
            return bool(taken)
        if self._seen.get(job) == tick:
            return False
        self._seen[job] = tick
        return True


class Scheduler:
    """`async with Scheduler(...)`: cron jobs and the event loop run inside the block."""

    def __init__(
        self,
        signals: Signals,
        *,
        jobs: list[CronJob],
        redis: Redis | None = None,
        event_tick_s: float = 15.0,
        links: EventLinks | None = None,
        waitlist_offer_min: int = 15,
        max_active_bookings: int = 0,
        metrics: Metrics | None = None,
    ) -> None:
        self._cron_runs = (metrics or Metrics()).cron_runs
        self.links = links or EventLinks()
        self.jobs = {job.name: job for job in jobs}
        self._signals = signals
        self._guard = TickGuard(redis)
        self._event_tick_s = event_tick_s
        self._waitlist_offer_min = waitlist_offer_min
        self._max_active_bookings = max_active_bookings
        self._running: dict[str, asyncio.Lock] = {name: asyncio.Lock() for name in self.jobs}
        self._crons: list[aiocron.Cron] = []
        self._loop_task: asyncio.Task[None] | None = None
        self._start_tasks: list[asyncio.Task[bool]] = []
        self._wakeup = asyncio.Event()
        self._unsubscribe: Callable[[], None] | None = None

    async def __aenter__(self) -> Scheduler:
        for job in self.jobs.values():
            cron = aiocron.crontab(job.spec, func=self._ticker(job.name), start=False, tz=MSK)
            cron.start()
            self._crons.append(cron)
        self._unsubscribe = self._signals.changes.subscribe(self._on_change)
        with self._signals.bound():  # the loop's task starts bound, for its whole life
            self._loop_task = asyncio.create_task(self._event_loop(), name="due-events")
        started = f"start {tick_of(utcnow())}"
        self._start_tasks = [
            asyncio.create_task(self.run_job(job.name, tick=started), name=f"{job.name}-at-start")
            for job in self.jobs.values()
            if job.at_start
        ]
        log.info(
            "scheduler started: %s", ", ".join(f"{j.name} [{j.spec}]" for j in self.jobs.values())
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for cron in self._crons:
            cron.stop()
        self._crons.clear()
        for task in self._start_tasks:
            task.cancel()
        await asyncio.gather(*self._start_tasks, return_exceptions=True)
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task

    def wake(self) -> None:
        """Look for due events now (a change may have planned one that is already due)."""
        self._wakeup.set()

    async def _on_change(self, change: Change) -> None:
        if isinstance(change, AppointmentChange):  # it may have planned events due now
            self.wake()

    def _ticker(self, name: str) -> Callable[[], Awaitable[None]]:
        async def tick() -> None:
            await self.run_job(name, tick=tick_of(utcnow()))

        return tick

    async def run_job(self, name: str, *, tick: str) -> bool:
        """Run one tick of a job unless another instance (or an overrun) has it; errors are
        logged. Answers whether this call ran the body."""
        lock = self._running[name]
        try:
            if lock.locked() or not await self._guard.first(name, tick):
                return False
            async with lock:
                with self._signals.bound():
                    result = await self.jobs[name].body()
        except Exception:
            log.exception("cron job %s failed at tick %s", name, tick)
            self._cron_runs.labels(name, "error").inc()
            return True
        log.info("cron job %s ran at tick %s: %s", name, tick, result)
        self._cron_runs.labels(name, "ok").inc()
        self._signals.outbox.announce()
        return True

    async def _event_loop(self) -> None:
        while True:
            self._wakeup.clear()
            more = False
            try:
                report = await run_due_events(links=self.links)
                if report:
                    self._signals.outbox.announce()
                more = sum(report.values()) >= EVENT_BATCH
            except Exception:
                log.exception("the due-event runner failed; it runs again next tick")
            try:
                if await waitlist_offers.run_pass(
                    self._waitlist_offer_min, max_active=self._max_active_bookings
                ):
                    self._signals.outbox.announce()
            except Exception:
                log.exception("the waitlist pass failed; it runs again next tick")
            if not more:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._event_tick_s):
                        await self._wakeup.wait()
