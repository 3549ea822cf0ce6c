"""Booking through HTTP: hold + book of distinct slots (`POST /api/v1/slots/{id}/hold`, then
`POST /api/v1/appointments`) by N concurrent clients against the product's server, divided
by `pgbench -N` TPS with the same client count on the same PostgreSQL.

    python -m bench.booking_http [--clients 16] [--seconds 10] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp

from bench.booking_core import pgbench_tps
from bench.common import JWT_SECRET, ProductServer, Row, fresh_database, open_database, print_table
from bench.seed import psychologists_with_slots, registered_clients
from config import Settings
from db.enums import Actor
from db.models import Slot
from webapp.auth import Principal, issue_token

TARGET_RATIO = 0.3
SLOTS_EACH = 40


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


async def run(quick: bool, *, clients: int = 16, seconds: int = 10) -> list[Row]:
    if quick:
        clients, seconds = 4, 2
    psychologists = clients * 25  # slots enough that no worker runs out within the time
    with fresh_database("booking") as name:
        async with open_database(name):
            await psychologists_with_slots(psychologists, SLOTS_EACH)
            people = await registered_clients(clients)
            every = await Slot.all().order_by("id").values_list("id", flat=True)
        settings = Settings(jwt_secret=JWT_SECRET)
        tokens = [issue_token(settings, Principal(tg, Actor.CLIENT)) for _, tg in people]
        share = [list(every[i::clients]) for i in range(clients)]
        async with ProductServer(name) as product:
            measured = await booking_rate(product.base, tokens, share, seconds)
    reference = await asyncio.to_thread(pgbench_tps, clients, seconds)
    ratio = measured / reference
    return [
        Row(
            target=f"booking over HTTP (hold+book), c={clients}",
            measured=f"{measured:.1f} bookings/s",
            reference=f"{reference:.0f} tps pgbench -N",
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
    args = parser.parse_args()
    print_table(asyncio.run(run(args.quick, clients=args.clients, seconds=args.seconds)))


if __name__ == "__main__":
    main()
