"""The process's Prometheus series, on a registry of its own (one per Services container: tests
and several apps in one process never collide on the global default registry).

Counted where the outcome is seen: requests by the web app's middleware (by the route's
template, never the raw path: unbounded label values would grow the series without end),
bookings and holds by the adapters that call the use cases (the domain knows no Prometheus),
sends by the outbox sender, cron runs by the scheduler, read-cache hits by the cache. The
outbox backlog and the due events' lag are read from the database when scraped (`refresh`).
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from domain.errors import DomainError
from domain.followup import events
from domain.messaging import delivery
from domain.timerules import utcnow

log = logging.getLogger(__name__)

PREFIX = "hraniteli_"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.requests = Histogram(
            f"{PREFIX}http_request_duration_seconds",
            "HTTP requests by method, route template and status, and how long they took "
            "(its _count is the number of requests)",
            ("method", "route", "status"),
            registry=registry,
        )
        self.bookings = Counter(
            f"{PREFIX}bookings_total",
            "Booking attempts by channel (bot, api) and result (booked, or the refusal's code)",
            ("channel", "result"),
            registry=registry,
        )
        self.holds = Counter(
            f"{PREFIX}holds_total",
            "Holds of a time by channel (bot, api) and result (held, or the refusal's code)",
            ("channel", "result"),
            registry=registry,
        )
        self.messages = Counter(
            f"{PREFIX}messages_sent_total",
            "Bot API sends of outbox rows by result (ok, 429, 403, refused, error)",
            ("result",),
            registry=registry,
        )
        self.cron_runs = Counter(
            f"{PREFIX}cron_runs_total",
            "Cron job ticks run on this instance by job and result (ok, error)",
            ("job", "result"),
            registry=registry,
        )
        self.cache = Counter(
            f"{PREFIX}read_cache_total",
            "Read-cache lookups by result (hit, miss)",
            ("result",),
            registry=registry,
        )
        self.live_sockets = Gauge(
            f"{PREFIX}live_sockets", "Open live-board WebSockets", registry=registry
        )
        self.outbox_pending = Gauge(
            f"{PREFIX}outbox_pending",
            "Outbox rows due and not yet sent (pending or being sent)",
            registry=registry,
        )
        self.outbox_oldest_age = Gauge(
            f"{PREFIX}outbox_oldest_pending_age_seconds",
            "How long the oldest due, unsent outbox row has waited (0 when none)",
            registry=registry,
        )
        self.due_event_lag = Gauge(
            f"{PREFIX}due_event_lag_seconds",
            "How long the oldest due, unfinished planned event has waited (0 when none)",
            registry=registry,
        )

    @contextlib.contextmanager
    def outcome(self, series: Counter | None, channel: str, success: str) -> Iterator[None]:
        """Count the block's outcome in `series` (None: count nothing): `success`, or the code
        of the DomainError it raised."""
        try:
            yield
        except DomainError as error:
            if series is not None:
                series.labels(channel=channel, result=error.code).inc()
            raise
        if series is not None:
            series.labels(channel=channel, result=success).inc()

    async def refresh(self, now: datetime | None = None) -> None:
        """Read the database-wide gauges (one query each): the outbox backlog, the events' lag."""
        now = now or utcnow()
        backlog = await delivery.backlog(now)
        self.outbox_pending.set(backlog.count)
        self.outbox_oldest_age.set(_age(backlog.oldest, now))
        self.due_event_lag.set(_age(await events.oldest_due(now), now))

    async def exposition(self) -> bytes:
        """The Prometheus text of every series, the gauges read now. With the database down
        the counters still answer (they tell of the outage) and its gauges are NaN."""
        try:
            await self.refresh()
        except Exception as exc:
            log.warning("metrics: the database did not answer: %s: %s", type(exc).__name__, exc)
            for gauge in (self.outbox_pending, self.outbox_oldest_age, self.due_event_lag):
                gauge.set(math.nan)
        return generate_latest(self.registry)


def _age(since: datetime | None, now: datetime) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0
