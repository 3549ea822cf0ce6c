"""Every speed and resilience target (bench/README.md), one after another, in one table.

    python -m bench [--quick] [--scale10] [--only reads booking bot outbox live import resilience
                     peer]

Needs PostgreSQL (DATABASE_URL's server, default postgres://root@127.0.0.1:5432), Redis
(REDIS_URL, default redis://127.0.0.1:6379/0), pgbench and wrk, and for `peer` PyPI (it
installs django-appointment into a venv under ~/.cache/hraniteli-bench); each benchmark
creates and drops its own databases and starts and stops its own servers.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

from bench import booking_http, bot, import_clients, live, outbox, peer, reads, resilience
from bench.common import Row, print_table, require_wrk

BENCHMARKS: dict[str, Callable[..., Awaitable[list[Row]]]] = {
    "reads": reads.run,
    "booking": booking_http.run,
    "bot": bot.run,
    "outbox": outbox.run,
    "live": live.run,
    "import": import_clients.run,
    "resilience": resilience.run,
    "peer": peer.run,
}


async def run_all(quick: bool, names: list[str], *, scale10: bool) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        began = time.monotonic()
        if name == "reads":
            found = await reads.run(quick, scales=(1, 10) if scale10 else (1,))
        else:
            found = await BENCHMARKS[name](quick)
        print(f"-- {name}: {time.monotonic() - began:.0f}s", flush=True)  # noqa: T201
        print_table(found)
        rows += found
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that they run")
    parser.add_argument("--scale10", action="store_true", help="also the reads at 10x data")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    args = parser.parse_args()
    if {"reads", "peer"} & set(args.only):
        require_wrk()
    print_table(asyncio.run(run_all(args.quick, args.only, scale10=args.scale10)))


if __name__ == "__main__":
    main()
