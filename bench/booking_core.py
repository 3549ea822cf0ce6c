"""Booking core throughput: hold + book of distinct slots through `domain.booking.appointments`,
with N concurrent clients, against `pgbench -N` with the same client count on the same server.

    python -m bench.booking_core [--clients 32] [--seconds 10] [--quick]

Needs PostgreSQL (DATABASE_URL's server, default postgres://root@127.0.0.1:5432); it creates
and drops its own databases. Prints one table row: measured, reference, ratio, target.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import time
from datetime import timedelta

import db
from bench.common import database_url, fresh_database, pg_args, pgbench
from db.enums import Actor
from db.models import Client, Psychologist, Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.timerules import utcnow

TARGET_RATIO = 0.3


def pgbench_tps(clients: int, seconds: int) -> float:
    """TPS of pgbench's simple-update script (-N) with `clients` connections."""
    with fresh_database("pgbench") as name:
        subprocess.run(["pgbench", *pg_args(), "-i", "-q", "-s", "1", name], check=True,
                       capture_output=True)  # fmt: skip
        return pgbench(name, "-N", clients=clients, seconds=seconds).tps


async def booking_rate(clients: int, seconds: int, slots_per_client: int) -> float:
    """Bookings a second: each client holds then books its own distinct slots."""
    with fresh_database("booking") as name:
        return await _booking_rate(database_url(name, pool=40), clients, seconds, slots_per_client)


async def _booking_rate(url: str, clients: int, seconds: int, slots_per_client: int) -> float:
    try:
        await db.migrate(url)
        await db.open_db(url)
        start = utcnow() + timedelta(days=1)
        psychologists = [
            await Psychologist.create(name=f"Bench {i}", telegram_id=10_000 + i)
            for i in range(clients)
        ]
        await Slot.bulk_create(
            [
                Slot(psychologist=p, starts_at=start + timedelta(hours=h))
                for p in psychologists
                for h in range(slots_per_client)
            ]
        )
        people = [
            await Client.create(telegram_id=20_000 + i, name=f"c{i}") for i in range(clients)
        ]
        by_psychologist = {
            p.id: await Slot.filter(psychologist=p).values_list("id", flat=True)
            for p in psychologists
        }
        initiator = Initiator(Actor.CLIENT, source="bench")
        deadline = time.monotonic() + seconds
        counts = [0] * clients

        async def worker(index: int) -> None:
            client = people[index]
            for slot_id in by_psychologist[psychologists[index].id]:
                if time.monotonic() >= deadline:
                    return
                await appointments.hold_slot(client.id, slot_id)
                await appointments.book(client.id, slot_id, initiator)
                counts[index] += 1

        began = time.monotonic()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        return sum(counts) / (time.monotonic() - began)
    finally:
        await db.close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    args = parser.parse_args()
    clients, seconds = (4, 2) if args.quick else (args.clients, args.seconds)
    measured = asyncio.run(booking_rate(clients, seconds, slots_per_client=2000))
    reference = pgbench_tps(clients, seconds)
    ratio = measured / reference
    verdict = "met" if ratio >= TARGET_RATIO else "missed"
    print(f"{'target':<34} {'measured':>12} {'reference':>12} {'ratio':>7}  result")  # noqa: T201
    print(  # noqa: T201
        f"{'booking core (hold+book), c=' + str(clients):<34} {measured:>10.1f}/s "
        f"{reference:>8.1f} tps {ratio:>7.2f}  {verdict} (>= {TARGET_RATIO})"
    )


if __name__ == "__main__":
    main()
