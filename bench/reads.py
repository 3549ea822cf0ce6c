"""Hot read routes under `wrk -c32`, each divided by a bare aiohttp server answering the same
bytes: slots of one psychologist x 4 weeks, slots of everyone x one day, the aggregated
schedule text, the board; at 10x also the two large ones for a client that takes gzip (the
bare server answers the product's compressed bytes, with its headers). PostgreSQL + Redis,
200 psychologists x 40 slots (--scale 10: 2,000), about one slot in ten booked. The product
server runs as shipped but for the rate limit (LOG_LEVEL=INFO, access log on).

    python -m bench.reads [--scale 1] [--seconds 5] [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import aiohttp

from bench.bare import KEPT_HEADERS, Answers, answer_key
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

TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0
PSYCHOLOGISTS = 200
SLOTS_EACH = 40
BOOKED_EVERY = 10  # one slot in ten carries an appointment (the board's cards)
CONNECTIONS = 32
# from this scale on, the two large answers are also read by a client that takes gzip
GZIP_FROM_SCALE = 10


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    path: str
    token: str | None
    gzip: bool = False  # the client says Accept-Encoding: gzip


@dataclass(frozen=True, slots=True)
class ReadFigures:
    route: str
    product: WrkResult
    bare: WrkResult
    size: int  # bytes of the answer's body, as sent

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


def _routes(psychologist_ids: list[int], client_telegram_id: int, scale: int) -> list[Route]:
    settings = Settings(jwt_secret=JWT_SECRET)
    client = issue_token(settings, Principal(client_telegram_id, Actor.CLIENT))
    manager = issue_token(settings, Principal(1, Actor.ADMIN))
    day = (utcnow().astimezone(MSK) + timedelta(days=2)).date().isoformat()
    middle = psychologist_ids[len(psychologist_ids) // 2]
    name = quote("Психолог 7")
    everyone = f"/api/v1/slots/available?date_from={day}&date_to={day}"
    board = "/api/v1/dashboard/board"
    routes = [
        Route(
            "slots: one psychologist x 4 weeks",
            f"/api/v1/slots/available?psychologist_id={middle}",
            client,
        ),
        Route("slots: everyone x 1 day", everyone, client),
        Route(
            "aggregated schedule text",
            f"/get-aggregated-schedule-by-psychologist-test-contur?psychologist={name}",
            None,
        ),
        Route("board (14 days)", board, manager),
    ]
    if scale >= GZIP_FROM_SCALE:
        routes += [
            Route("slots: everyone x 1 day, gzip", everyone, client, gzip=True),
            Route("board (14 days), gzip", board, manager, gzip=True),
        ]
    return routes


def _headers(route: Route) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {route.token}"} if route.token else {}
    if route.gzip:
        headers["Accept-Encoding"] = "gzip"
    return headers


async def _record(base: str, routes: list[Route]) -> Answers:
    """Each route's answer (the bytes as sent, the headers the bare server repeats), checked
    to be a 200."""
    answers: Answers = {}
    async with aiohttp.ClientSession(auto_decompress=False) as http:
        for route in routes:
            headers = {"Accept-Encoding": "identity", **_headers(route)}
            async with http.get(base + route.path, headers=headers) as answer:
                body = await answer.read()
                if answer.status != 200:
                    raise RuntimeError(f"{route.path} answered {answer.status}: {body[:300]!r}")
                kept = {
                    name: answer.headers[name] for name in KEPT_HEADERS if name in answer.headers
                }
                answers[answer_key(route.path, headers["Accept-Encoding"])] = (body, kept)
    return answers


async def measure(scale: int, seconds: int, runs: int, *, quick: bool) -> list[ReadFigures]:
    """Seed, serve, record, then wrk the product and the bare server route by route."""
    psychologists = 10 if quick else PSYCHOLOGISTS * scale
    with fresh_database(f"reads{scale}") as name:
        async with open_database(name):
            ids, client_telegram_id = await _seed(psychologists, SLOTS_EACH)
        routes = _routes(ids, client_telegram_id, scale)
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
                    key = answer_key(route.path, "gzip" if route.gzip else "")
                    figures.append(ReadFigures(route.name, mine, limit, len(answers[key][0])))
        return figures


def rows(figures: list[ReadFigures], scale: int, base_p99: dict[str, float] | None) -> list[Row]:
    """Table rows; at 10x the p99 goal is twice the 1x figure of the same route (a route
    read at 10x only has the 1x goal)."""
    out = []
    for f in figures:
        base = None if base_p99 is None else base_p99.get(f.route)
        p99_goal = TARGET_P99_MS if base is None else 2 * base
        out.append(
            Row(
                target=f"read {scale}x: {f.route} ({_kilobytes(f.size)})",
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


def _kilobytes(size: int) -> str:
    return f"{size / 1024:.1f} KB"


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
