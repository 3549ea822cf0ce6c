"""Resilience: two instances on one PostgreSQL + Redis under booking load (hold + book over
HTTP, each client going to either instance and to the other one when a request fails); one
instance is killed with SIGKILL mid-load and started again. Checks that no booking answered
201 is lost, none is doubled, no answer is a 500, and the time until the killed instance
serves again.

    python -m bench.resilience [--seconds 10] [--quick]

PostgreSQL and Redis themselves are not restarted here: on a shared machine that would break
every other user of those servers (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import aiohttp

from bench.common import (
    JWT_SECRET,
    ProductServer,
    Row,
    fresh_database,
    open_database,
    print_table,
)
from bench.seed import psychologists_with_slots, registered_clients
from config import Settings
from db.enums import Actor
from db.models import Appointment, Slot
from domain.statuses import ACTIVE
from webapp.auth import Principal, issue_token

TARGET_RECOVERY_S = 10.0
WORKERS = 8
SLOTS_EACH = 40


@dataclass(slots=True)
class Outcome:
    confirmed: dict[int, int] = field(default_factory=dict)  # slot -> client telegram id
    server_errors: int = 0
    failovers: int = 0


async def _post(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str], **kw: object
) -> int:
    async with http.post(url, headers=headers, **kw) as answer:  # type: ignore[arg-type]
        await answer.read()
        return answer.status


async def _book(
    http: aiohttp.ClientSession,
    bases: list[str],
    slot_id: int,
    headers: dict[str, str],
    out: Outcome,
) -> int | None:
    """Hold + book on the first instance, the second when the first does not answer."""
    for base in bases:
        try:
            held = await _post(http, f"{base}/api/v1/slots/{slot_id}/hold", headers)
            if held != 200:
                return held
            return await _post(
                http, f"{base}/api/v1/appointments", headers, json={"slot_id": slot_id}
            )
        except aiohttp.ClientError:
            out.failovers += 1
    return None


async def _load(
    name: str, people: list[tuple[int, int]], every: list[int], seconds: int
) -> tuple[Outcome, float]:
    """The booking load on two instances, one killed and restarted halfway; (outcome,
    seconds from the kill until the killed instance serves again)."""
    settings = Settings(jwt_secret=JWT_SECRET)
    out = Outcome()
    async with ProductServer(name) as a, ProductServer(name) as b:
        deadline = time.monotonic() + seconds

        async def worker(index: int, http: aiohttp.ClientSession) -> None:
            telegram_id = people[index][1]
            token = issue_token(settings, Principal(telegram_id, Actor.CLIENT))
            headers = {"Authorization": f"Bearer {token}"}
            bases = [a.base, b.base] if index % 2 else [b.base, a.base]
            for slot_id in every[index::WORKERS]:
                if time.monotonic() >= deadline:
                    return
                status = await _book(http, bases, slot_id, headers, out)
                if status == 201:
                    out.confirmed[slot_id] = telegram_id
                elif status is not None and status >= 500:
                    out.server_errors += 1

        async def kill_and_restart() -> float:
            await asyncio.sleep(seconds / 2)
            a.kill()
            killed = time.monotonic()
            await a.start()
            return time.monotonic() - killed

        connector = aiohttp.TCPConnector(limit=WORKERS * 2, force_close=True)
        async with aiohttp.ClientSession(connector=connector) as http:
            restart = asyncio.create_task(kill_and_restart())
            await asyncio.gather(*(worker(i, http) for i in range(WORKERS)))
            return out, await restart


async def _check(out: Outcome) -> tuple[list[int], list[int]]:
    """Bookings answered 201 without their active appointment (lost), and slots with more
    than one active appointment (doubled)."""
    active = await Appointment.filter(status__in=list(ACTIVE)).values_list(
        "active_slot_id", "client__telegram_id"
    )
    holders: dict[int, list[int]] = {}
    for slot_id, telegram_id in active:
        holders.setdefault(slot_id, []).append(telegram_id)
    lost = [s for s, tg in out.confirmed.items() if holders.get(s) != [tg]]
    doubled = [s for s, found in holders.items() if len(found) > 1]
    return lost, doubled


async def run(quick: bool, *, seconds: int = 10) -> list[Row]:
    psychologists = WORKERS * 4
    if quick:
        seconds, psychologists = 3, WORKERS
    with fresh_database("resilience") as name:
        async with open_database(name):
            await psychologists_with_slots(psychologists, SLOTS_EACH)
            people = await registered_clients(WORKERS)
            every = await Slot.all().order_by("id").values_list("id", flat=True)
            out, recovery = await _load(name, people, every, seconds)
            lost, doubled = await _check(out)
    ok = not lost and not doubled and out.server_errors == 0
    return [
        Row(
            target="resilience: SIGKILL one of two instances",
            measured=(
                f"{len(out.confirmed)} booked, {len(lost)} lost, {len(doubled)} "
                f"doubled, {out.server_errors} 5xx, {out.failovers} failovers"
            ),
            reference="-",
            ratio=None,
            met=ok,
            goal="none lost/doubled, no 5xx",
        ),
        Row(
            target="resilience: killed instance serves again",
            measured=f"{recovery:.1f}s",
            reference="-",
            ratio=None,
            met=recovery < TARGET_RECOVERY_S,
            goal=f"< {TARGET_RECOVERY_S:.0f}s",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        print_table(asyncio.run(run(args.quick, seconds=args.seconds)))


if __name__ == "__main__":
    main()
