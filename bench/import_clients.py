"""Import: a generated 100,000-row CSV through the upload's reader (webapp/import_files.py) and
domain.people.importer on PostgreSQL, in a process of its own; the time and the peak resident
memory of that process.

    python -m bench.import_clients [--rows 100000] [--quick] [DATABASE_URL]

With a DATABASE_URL it imports there and prints its figures; without, it makes a fresh
database on DATABASE_URL's server, runs itself on it in a subprocess and prints the table row.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import db
from bench.common import ROOT, Row, database_url, fresh_database, print_table
from db.enums import Actor
from domain.audit import Initiator
from domain.people.importer import import_clients
from webapp.import_files import table_in

ROWS = 100_000
TARGET_S = 60.0
TARGET_MB = 500.0


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig") as out:
        out.write("ФИО;Телефон;Telegram ID\n")
        for n in range(rows):
            phone = f"+7 916 {n // 10000:03d}-{n // 100 % 100:02d}-{n % 100:02d}"
            out.write(f"Клиент {n};{phone};{10_000_000 + n}\n")


async def import_once(url: str, rows: int, folder: Path) -> None:
    """Import `rows` rows into `url`; print rows, created, errors, seconds and peak RSS."""
    await db.migrate(url)
    await db.open_db(url)
    source = folder / "clients.csv"
    write_csv(source, rows)
    started = time.perf_counter()
    with source.open("rb") as stream:
        report = await import_clients(
            table_in(stream), Initiator(Actor.ADMIN, source="bench"), max_rows=rows
        )
    elapsed = time.perf_counter() - started
    await db.close_db()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows={rows} created={report.created} errors={len(report.errors)}")  # noqa: T201
    print(f"seconds={elapsed:.1f} peak_rss_mb={peak_mb:.0f}")  # noqa: T201


async def run(quick: bool, *, rows: int = ROWS) -> list[Row]:
    if quick:
        rows = 2000
    with fresh_database("import") as name:
        done = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "bench.import_clients",
                "--rows",
                str(rows),
                database_url(name),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    figures = dict(re.findall(r"(\w+)=([\d.]+)", done.stdout))
    if int(figures["created"]) != rows:
        raise RuntimeError(f"the import created {figures['created']} of {rows}:\n{done.stdout}")
    seconds, peak_mb = float(figures["seconds"]), float(figures["peak_rss_mb"])
    return [
        Row(
            target=f"import ({rows} rows CSV)",
            measured=f"{seconds:.1f}s, {peak_mb:.0f} MB RSS",
            reference="-",
            ratio=None,
            met=seconds < TARGET_S and peak_mb < TARGET_MB,
            goal=f"< {TARGET_S:.0f}s, < {TARGET_MB:.0f} MB",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--quick", action="store_true", help="small sizes: checks that it runs")
    parser.add_argument("database_url", nargs="?")
    args = parser.parse_args()
    if args.database_url:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(import_once(args.database_url, args.rows, Path(tmp)))
    else:
        print_table(asyncio.run(run(args.quick, rows=args.rows)))


if __name__ == "__main__":
    main()
