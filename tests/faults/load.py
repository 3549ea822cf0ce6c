"""The steady load of the fault scenario, and a record of every answer it got.

Clients book through `/api/v1/appointments` (each slot is raced by two clients, one going to
either instance first and to the other when the first does not answer; a 503 is retried
after its Retry-After, capped); a manager moves booked appointments along the board; and each
instance's `/healthz` is polled. Every answer is kept with the instant it was asked and got.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.faults.servers import ProductInstance

REQUEST_TIMEOUT_S = 15.0
BOOKING_PAUSE_S = 0.3
BOARD_PAUSE_S = 0.4
HEALTH_EVERY_S = 0.2
# A client honours Retry-After, but no longer than this (the outage is short).
RETRY_CAP_S = 0.5


@dataclass(slots=True)
class Answer:
    """One request and what came back; `status` None: no HTTP answer at all."""

    what: str  # "book" | "status" | "health"
    instance: str
    started: float  # time.monotonic()
    ended: float
    status: int | None
    body: Any = None  # the decoded JSON, or the text when it is not JSON
    content_type: str = ""
    retry_after: str | None = None
    error: str = ""  # the client-side failure when there was no answer


@dataclass(slots=True)
class Booking:
    """A booking answered 201."""

    appointment_id: int
    slot_id: int
    client_telegram_id: int
    instance: str
    ended: float


@dataclass
class Record:
    answers: list[Answer] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    # (slot, client telegram id) attempts that got no definite answer (503 or none): such a
    # booking may have been made without the client hearing of it.
    unsure: set[tuple[int, int]] = field(default_factory=set)
    # appointment id -> the board status last answered 200 to the manager
    board: dict[int, str] = field(default_factory=dict)

    def of(self, what: str, instance: str | None = None) -> list[Answer]:
        return [
            a
            for a in self.answers
            if a.what == what and (instance is None or a.instance == instance)
        ]


@dataclass(frozen=True, slots=True)
class Session:
    """Where requests go through and where their answers are written."""

    http: aiohttp.ClientSession
    record: Record


@dataclass(frozen=True, slots=True)
class Caller:
    telegram_id: int
    headers: dict[str, str]


async def call(
    session: Session,
    what: str,
    instance: ProductInstance,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> Answer:
    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    try:
        async with session.http.request(
            method, instance.base + path, headers=headers, json=body, timeout=timeout
        ) as response:
            text = await response.text()
            try:
                decoded: Any = json.loads(text)
            except ValueError:
                decoded = text
            answer = Answer(
                what,
                instance.name,
                started,
                time.monotonic(),
                response.status,
                decoded,
                response.content_type,
                response.headers.get("Retry-After"),
            )
    except (aiohttp.ClientError, TimeoutError) as exc:
        answer = Answer(
            what, instance.name, started, time.monotonic(), None, error=type(exc).__name__
        )
    session.record.answers.append(answer)
    return answer


def _retry_delay(answer: Answer) -> float:
    try:
        return min(float(answer.retry_after or RETRY_CAP_S), RETRY_CAP_S)
    except ValueError:
        return RETRY_CAP_S


async def booking_worker(
    session: Session,
    instances: Sequence[ProductInstance],
    slots: Sequence[int],
    callers: Sequence[Caller],
    stop: asyncio.Event,
) -> None:
    """Book `slots` in order, each as the next of `callers`, until told to stop."""
    for n, slot_id in enumerate(slots):
        caller = callers[n % len(callers)]
        while not stop.is_set():
            answer = None
            for instance in instances:
                answer = await call(
                    session,
                    "book",
                    instance,
                    "POST",
                    "/api/v1/appointments",
                    headers=caller.headers,
                    body={"slot_id": slot_id},
                )
                if answer.status is not None:
                    break
                # no answer: the booking may have been made all the same (the next instance
                # will then say the slot is taken)
                session.record.unsure.add((slot_id, caller.telegram_id))
            assert answer is not None
            if answer.status == 201:
                session.record.bookings.append(
                    Booking(
                        answer.body["id"],
                        slot_id,
                        caller.telegram_id,
                        answer.instance,
                        answer.ended,
                    )
                )
                break
            if answer.status is None or answer.status >= 500:
                session.record.unsure.add((slot_id, caller.telegram_id))
                await asyncio.sleep(_retry_delay(answer))
                continue
            break  # taken by the other client, or refused: on to the next slot
        if stop.is_set():
            return
        await asyncio.sleep(BOOKING_PAUSE_S)


async def board_worker(
    session: Session,
    instances: Sequence[ProductInstance],
    manager: dict[str, str],
    stop: asyncio.Event,
) -> None:
    """Move each booked appointment once: confirm one, cancel the next, and so on."""
    record = session.record
    done = 0
    turn = 0
    while not stop.is_set():
        await asyncio.sleep(BOARD_PAUSE_S)
        if done >= len(record.bookings):
            continue
        appointment_id = record.bookings[done].appointment_id
        target = "confirmed" if done % 2 == 0 else "cancelled"
        instance = instances[turn % len(instances)]
        turn += 1
        answer = await call(
            session,
            "status",
            instance,
            "PATCH",
            f"/api/v1/appointments/{appointment_id}/status",
            headers=manager,
            body={"status": target},
        )
        if answer.status == 200:
            record.board[appointment_id] = answer.body["status"]
        if answer.status is not None and answer.status < 500:
            done += 1


async def health_poller(session: Session, instance: ProductInstance, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await call(session, "health", instance, "GET", "/healthz")
        await asyncio.sleep(HEALTH_EVERY_S)
