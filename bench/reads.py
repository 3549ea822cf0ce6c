"""Hot read routes under `wrk -c32`, each divided by a bare aiohttp server answering the same
bytes: slots of one psychologist x 4 weeks, slots of everyone x one day, the aggregated
schedule text, the board. PostgreSQL + Redis, 200 psychologists x 40 slots (--scale 10:
2,000), about one slot in ten booked.

    python -m bench.reads [--scale 1] [--seconds 5] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import aiohttp

from bench.common import (
    JWT_SECRET,
    BareServer,
    ProductServer,
    Row,
    WrkResult,
    fresh_database,
    open_database,
    print_table,
    repeat_median,
    wrk,
)
from bench.seed import book_each, psychologists_with_slots, registered_clients
from config import Settings
from db.enums import Actor
from db.models import Outbox, ScheduledEvent, Slot
from domain.timerules import MSK, utcnow
from webapp.auth import Principal, issue_token

TARGET_RATIO = 0.35
TARGET_P99_MS = 50.0
PSYCHOLOGISTS = 200
SLOTS_EACH = 40
BOOKED_EVERY = 10  # one slot in ten carries an appointment (the board's cards)
CONNECTIONS = 32


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    path: str
    token: str | None


@dataclass(frozen=True, slots=True)
class ReadFigures:
    route: str
    product: WrkResult
    bare: WrkResult

    @property
    def ratio(self) -> float:
        return self.product.rps / self.bare.rps


async def _seed(psychologists: int, slots_each: int) -> tuple[list[int], int]:
    """Psychologists with slots, and bookings of one slot in BOOKED_EVERY; (psychologist
    ids, a client's telegram id)."""
    ids = await psychologists_with_slots(psychologists, slots_each)
    slot_ids = await Slot.all().order_by("id").values_list("id", flat=True)
    booked = slot_ids[::BOOKED_EVERY]
    people = await registered_clients(len(booked) + 1)
    await book_each(
        [(client_id, slot_id) for (client_id, _), slot_id in zip(people, booked, strict=False)]
    )
    # What the bookings set in motion (managers' alerts, reminders, their messages) would run
    # in the server under test for its first half minute and more, while the first route is
    # measured: the seed's own work, not the reads'.
    await ScheduledEvent.all().delete()
    await Outbox.all().delete()
    return ids, people[-1][1]


def _routes(psychologist_ids: list[int], client_telegram_id: int) -> list[Route]:
    settings = Settings(jwt_secret=JWT_SECRET)
    client = issue_token(settings, Principal(client_telegram_id, Actor.CLIENT))
    manager = issue_token(settings, Principal(1, Actor.ADMIN))
    day = (utcnow().astimezone(MSK) + timedelta(days=2)).date().isoformat()
    middle = psychologist_ids[len(psychologist_ids) // 2]
    name = quote("Психолог 7")
    return [
        Route(
            "slots: one psychologist x 4 weeks",
            f"/api/v1/slots/available?psychologist_id={middle}",
            client,
        ),
        Route(
            "slots: everyone x 1 day",
            f"/api/v1/slots/available?date_from={day}&date_to={day}",
            client,
        ),
        Route(
            "aggregated schedule text",
            f"/get-aggregated-schedule-by-psychologist-test-contur?psychologist={name}",
            None,
        ),
        Route("board (14 days)", "/api/v1/dashboard/board", manager),
    ]


def _headers(route: Route) -> dict[str, str]:
    return {"Authorization": f"Bearer {route.token}"} if route.token else {}


async def _record(base: str, routes: list[Route]) -> dict[str, tuple[bytes, str]]:
    """Each route's answer (bytes and content type), checked to be a 200."""
    answers = {}
    async with aiohttp.ClientSession() as http:
        for route in routes:
            async with http.get(base + route.path, headers=_headers(route)) as answer:
                body = await answer.read()
                if answer.status != 200:
                    raise RuntimeError(f"{route.path} answered {answer.status}: {body[:300]!r}")
                answers[route.path] = (body, answer.headers["Content-Type"])
    return answers


async def measure(scale: int, seconds: int, runs: int, *, quick: bool) -> list[ReadFigures]:
    """Seed, serve, record, then wrk the product and the bare server route by route."""
    psychologists = 10 if quick else PSYCHOLOGISTS * scale
    with fresh_database(f"reads{scale}") as name:
        async with open_database(name):
            ids, client_telegram_id = await _seed(psychologists, SLOTS_EACH)
        routes = _routes(ids, client_telegram_id)
        figures = []
        async with ProductServer(name) as product:
            answers = await _record(product.base, routes)
            async with BareServer(answers) as bare:
                for route in routes:
                    headers = _headers(route)
                    mine = await asyncio.to_thread(
                        repeat_median,
                        runs,
                        lambda url=product.base + route.path, h=headers: wrk(
                            url, seconds=seconds, headers=h
                        ),
                    )
                    limit = await asyncio.to_thread(
                        repeat_median,
                        runs,
                        lambda url=bare.base + route.path, h=headers: wrk(
                            url, seconds=seconds, headers=h
                        ),
                    )
                    figures.append(ReadFigures(route.name, mine, limit))
        return figures


def rows(figures: list[ReadFigures], scale: int, base_p99: dict[str, float] | None) -> list[Row]:
    """Table rows; at 10x the p99 goal is twice the 1x figure of the same route."""
    out = []
    for f in figures:
        p99_goal = TARGET_P99_MS if base_p99 is None else 2 * base_p99[f.route]
        out.append(
            Row(
                target=f"read {scale}x: {f.route}",
                measured=f"{f.product.rps:.0f}/s p99 {f.product.p99_ms:.1f}ms"
                + (f", {f.product.errors} failed" if f.product.errors else ""),
                reference=f"{f.bare.rps:.0f}/s bare, p99 {f.bare.p99_ms:.1f}ms",
                ratio=f.ratio,
                met=f.ratio >= TARGET_RATIO
                and f.product.p99_ms < p99_goal
                and not f.product.errors,
                goal=f">= {TARGET_RATIO}, p99 < {p99_goal:.0f}ms",
            )
        )
    return out


async def run(
    quick: bool, *, scales: tuple[int, ...] = (1,), seconds: int = 5, runs: int = 3
) -> list[Row]:
    if quick:
        seconds, runs = 1, 1
    out: list[Row] = []
    base_p99: dict[str, float] | None = None
    for scale in scales:
        figures = await measure(scale, seconds, runs, quick=quick)
        out += rows(figures, scale, base_p99)
        base_p99 = {f.route: f.product.p99_ms for f in figures}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1], help="1 and/or 10")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    args = parser.parse_args()
    print_table(
        asyncio.run(
            run(args.quick, scales=tuple(args.scale), seconds=args.seconds, runs=args.runs)
        )
    )


if __name__ == "__main__":
    main()
