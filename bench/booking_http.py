"""Booking through HTTP: hold + book of distinct slots (`POST /api/v1/slots/{id}/hold`, then
`POST /api/v1/appointments`) by N concurrent clients against the product's server, divided
by the rate at which the database runs the SQL of those bookings: the statements one hold +
book issues, captured from the product's own code (bench/booking_sql.py) and replayed by
`pgbench -f` with the same client count on the same database. `pgbench -N` is shown beside.

    python -m bench.booking_http [--clients 16] [--seconds 10] [--quick] [--script PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from bench.booking_core import pgbench_tps
from bench.booking_sql import (
    Recorder,
    Statement,
    add_slot_block,
    capture_booking,
    pgbench_script,
    recording_connections,
    run_pgbench_script,
    script_header,
)
from bench.common import JWT_SECRET, ProductServer, Row, fresh_database, open_database, print_table
from bench.seed import CLIENT_TELEGRAM_BASE, psychologists_with_slots, registered_clients
from config import Settings
from db.enums import Actor
from db.models import Slot
from sandbox import run_emulator
from webapp.auth import Principal, issue_token

TARGET_RATIO = 0.3
SLOTS_EACH = 40
PSYCHOLOGIST_TELEGRAM_BASE = 600_000_000
ADMIN_ID = 1  # bench.common.server_env's ADMIN_IDS
# Slots enough for the replay: more bookings a second than its database could ever run.
REPLAY_CEILING_TPS = 4000


async def booking_rate(
    base: str, tokens: list[str], slot_ids: list[list[int]], seconds: int
) -> float:
    """Bookings a second; every 201 counts, anything else fails the benchmark."""
    deadline = time.monotonic() + seconds
    counts = [0] * len(tokens)

    async def worker(index: int, http: aiohttp.ClientSession) -> None:
        headers = {"Authorization": f"Bearer {tokens[index]}"}
        for slot_id in slot_ids[index]:
            if time.monotonic() >= deadline:
                return
            async with http.post(f"{base}/api/v1/slots/{slot_id}/hold", headers=headers) as held:
                if held.status != 200:
                    raise RuntimeError(f"hold answered {held.status}: {await held.text()}")
            async with http.post(
                f"{base}/api/v1/appointments", json={"slot_id": slot_id}, headers=headers
            ) as booked:
                if booked.status != 201:
                    raise RuntimeError(f"book answered {booked.status}: {await booked.text()}")
            counts[index] += 1

    connector = aiohttp.TCPConnector(limit=len(tokens))
    async with aiohttp.ClientSession(connector=connector) as http:
        began = time.monotonic()
        await asyncio.gather(*(worker(i, http) for i in range(len(tokens))))
        return sum(counts) / (time.monotonic() - began)


@contextlib.asynccontextmanager
async def telegram(people: list[int]) -> AsyncIterator[str]:
    """The Bot API as the server meets it in production, out of its process: the emulator,
    in this one, where the people a booking tells (its psychologist, the admin of ADMIN_IDS)
    have a chat with the bot, so their messages are delivered. Its base URL."""
    async with run_emulator() as emulator:
        for telegram_id in people:
            emulator.user(telegram_id, f"Bench {telegram_id}")
        yield emulator.base_url


async def replay_rate(
    name: str,
    statements: list[Statement],
    people: list[tuple[int, int]],
    *,
    seconds: int,
    script_path: Path | None,
) -> float:
    """Transactions a second of pgbench running the booking's statements on database `name`,
    each pgbench client booking for one of `people` (client id, telegram id)."""
    first_client, first_telegram_id = people[0]
    if people != [(first_client + n, first_telegram_id + n) for n in range(len(people))]:
        raise RuntimeError("the registered clients' ids are not one after another")
    block = await add_slot_block(name, REPLAY_CEILING_TPS * seconds)
    header = script_header(block, len(people), first_client, first_telegram_id)
    script = await pgbench_script(name, statements, header)
    if script_path is not None:
        script_path.write_text(script)
    replay = await asyncio.to_thread(run_pgbench_script, name, script, len(people), seconds)
    if replay.transactions >= block.size:
        raise RuntimeError("the replay ran out of slots: raise REPLAY_CEILING_TPS")
    return replay.tps


async def run(
    quick: bool, *, clients: int = 16, seconds: int = 10, script_path: Path | None = None
) -> list[Row]:
    if quick:
        clients, seconds = 4, 2
    psychologists = clients * 25  # slots enough that no worker runs out within the time
    recorder = Recorder()
    with fresh_database("booking") as name:
        async with recording_connections(recorder), open_database(name):
            await psychologists_with_slots(
                psychologists, SLOTS_EACH, telegram_base=PSYCHOLOGIST_TELEGRAM_BASE
            )
            people = await registered_clients(clients, CLIENT_TELEGRAM_BASE, concurrency=1)
            every = await Slot.all().order_by("id").values_list("id", flat=True)
            statements = await capture_booking(name, recorder)
        settings = Settings(jwt_secret=JWT_SECRET)
        tokens = [issue_token(settings, Principal(tg, Actor.CLIENT)) for _, tg in people]
        share = [list(every[i::clients]) for i in range(clients)]
        told = [ADMIN_ID, *(PSYCHOLOGIST_TELEGRAM_BASE + n for n in range(psychologists))]
        async with (
            telegram(told) as api_base,
            ProductServer(name, TELEGRAM_API_BASE=api_base) as product,
        ):
            measured = await booking_rate(product.base, tokens, share, seconds)
        reference = await replay_rate(
            name, statements, people, seconds=seconds, script_path=script_path
        )
    simple = await asyncio.to_thread(pgbench_tps, clients, seconds)
    ratio = measured / reference
    round_trips = len(statements)
    return [
        Row(
            target=f"booking over HTTP (hold+book), c={clients}",
            measured=f"{measured:.1f} bookings/s",
            reference=f"{reference:.0f} tps pgbench -f of its SQL ({round_trips} round trips, "
            f"-N: {simple:.0f})",
            ratio=ratio,
            met=ratio >= TARGET_RATIO,
            goal=f">= {TARGET_RATIO}",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    parser.add_argument("--script", type=Path, help="keep the pgbench script of the booking here")
    args = parser.parse_args()
    rows = asyncio.run(
        run(args.quick, clients=args.clients, seconds=args.seconds, script_path=args.script)
    )
    print_table(rows)


if __name__ == "__main__":
    main()
