"""Booking core throughput: hold + book of distinct slots through `domain.booking.appointments`,
with N concurrent clients, against `pgbench -N` with the same client count on the same server.

    python -m bench.booking_core [--clients 32] [--seconds 10] [--quick]

Needs PostgreSQL (DATABASE_URL's server, default postgres://root@127.0.0.1:5432); it creates
and drops its own databases. Prints one table row: measured, reference, ratio, target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import db
from db.enums import Actor
from db.models import Client, Psychologist, Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.timerules import utcnow

TARGET_RATIO = 0.3
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/postgres")


def _database_url(name: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "maxsize=40", ""))


def _psql_args() -> list[str]:
    parts = urlsplit(SERVER_URL)
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U",
            parts.username or "root"]  # fmt: skip


def _createdb(name: str) -> None:
    subprocess.run(["createdb", *_psql_args(), name], check=True)


def _dropdb(name: str) -> None:
    subprocess.run(["dropdb", *_psql_args(), "--if-exists", name], check=False)


def pgbench_tps(clients: int, seconds: int) -> float:
    """TPS of pgbench's simple-update script (-N) with `clients` connections."""
    name = f"bench_pgbench_{uuid.uuid4().hex[:8]}"
    _createdb(name)
    try:
        subprocess.run(
            ["pgbench", *_psql_args(), "-i", "-q", "-s", "1", name],
            check=True,
            capture_output=True,
        )
        done = subprocess.run(
            [
                "pgbench",
                *_psql_args(),
                "-N",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(seconds),
                name,
            ],  # fmt: skip
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        _dropdb(name)
    match = re.search(r"tps = ([\d.]+)", done.stdout)
    if not match:
        raise RuntimeError(f"pgbench printed no tps:\n{done.stdout}")
    return float(match.group(1))


async def booking_rate(clients: int, seconds: int, slots_per_client: int) -> float:
    """Bookings a second: each client holds then books its own distinct slots."""
    name = f"bench_booking_{uuid.uuid4().hex[:8]}"
    _createdb(name)
    url = _database_url(name)
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
        _dropdb(name)


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
