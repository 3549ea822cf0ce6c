"""Live board: a change (a booking through HTTP on instance A) reaching 100 managers' sockets
on A itself (in-process) and 100 on instance B (across instances, through Redis). Latency
from sending the booking request to each socket's message; p99 over all changes.

    python -m bench.live [--sockets 100] [--changes 20] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time

import aiohttp

from bench.common import JWT_SECRET, ProductServer, Row, fresh_database, open_database, print_table
from bench.seed import psychologists_with_slots, registered_clients
from config import Settings
from db.enums import Actor
from db.models import Slot
from webapp.auth import Principal, issue_token

UPDATES = "/api/v1/dashboard/updates"
TARGET_LOCAL_MS = 100.0
TARGET_REMOTE_MS = 250.0
RECEIVE_TIMEOUT_S = 10.0


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


async def _open(http: aiohttp.ClientSession, base: str, token: str, count: int) -> list:
    sockets = []
    for _ in range(count):
        ws = await http.ws_connect(base + UPDATES, params={"token": token})
        if (await ws.receive_json(timeout=RECEIVE_TIMEOUT_S)) != {"type": "ready"}:
            raise RuntimeError("the live socket did not say ready")
        sockets.append(ws)
    return sockets


async def _arrival(ws: aiohttp.ClientWebSocketResponse, appointment_hint: str) -> float:
    while True:
        message = await ws.receive_json(timeout=RECEIVE_TIMEOUT_S)
        if message.get("type") == appointment_hint:
            return time.monotonic()


async def run(quick: bool, *, sockets: int = 100, changes: int = 20) -> list[Row]:
    if quick:
        sockets, changes = 10, 3
    with fresh_database("live") as name:
        async with open_database(name):
            await psychologists_with_slots(2, changes)
            people = await registered_clients(changes)
            slot_ids = await Slot.all().order_by("id").values_list("id", flat=True)
        settings = Settings(jwt_secret=JWT_SECRET)
        manager = issue_token(settings, Principal(1, Actor.ADMIN))
        clients = [
            {"Authorization": f"Bearer {issue_token(settings, Principal(tg, Actor.CLIENT))}"}
            for _, tg in people
        ]
        local: list[float] = []
        remote: list[float] = []
        async with (
            ProductServer(name) as a,
            ProductServer(name) as b,
            # No connection limit: every socket holds a connection of its own.
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http,
        ):
            on_a = await _open(http, a.base, manager, sockets)
            on_b = await _open(http, b.base, manager, sockets)
            try:
                for slot_id, client in zip(slot_ids, clients, strict=False):
                    waiting = [
                        asyncio.create_task(_arrival(ws, "appointment.created"))
                        for ws in on_a + on_b
                    ]
                    await asyncio.sleep(0)
                    sent = time.monotonic()
                    async with http.post(
                        f"{a.base}/api/v1/appointments",
                        json={"slot_id": slot_id},
                        headers=client,
                    ) as booked:
                        if booked.status != 201:
                            raise RuntimeError(f"booking answered {booked.status}")
                    arrivals = await asyncio.gather(*waiting)
                    local += [(t - sent) * 1000 for t in arrivals[:sockets]]
                    remote += [(t - sent) * 1000 for t in arrivals[sockets:]]
            finally:
                for ws in on_a + on_b:
                    await ws.close()
    return [
        Row(
            target=f"live board: {sockets} sockets, same instance",
            measured=f"p99 {p99(local):.1f}ms",
            reference="-",
            ratio=None,
            met=p99(local) < TARGET_LOCAL_MS,
            goal=f"p99 < {TARGET_LOCAL_MS:.0f}ms",
        ),
        Row(
            target=f"live board: {sockets} sockets, other instance",
            measured=f"p99 {p99(remote):.1f}ms",
            reference="-",
            ratio=None,
            met=p99(remote) < TARGET_REMOTE_MS,
            goal=f"p99 < {TARGET_REMOTE_MS:.0f}ms",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=100)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    args = parser.parse_args()
    print_table(asyncio.run(run(args.quick, sockets=args.sockets, changes=args.changes)))


if __name__ == "__main__":
    main()
