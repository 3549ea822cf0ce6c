"""What every benchmark shares: fresh PostgreSQL databases, the product's server in a
subprocess, a bare aiohttp server answering fixed bytes, wrk, and the result table."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp

import db
from bench.bare import Answers, write_answers

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://root@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# One signing key for the whole run: the bench issues the tokens the servers accept.
JWT_SECRET = secrets.token_urlsafe(32)
INTEGRATION_TOKEN = secrets.token_urlsafe(32)
STARTUP_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the result table."""

    target: str
    measured: str
    reference: str
    ratio: float | None
    met: bool
    goal: str

    @property
    def verdict(self) -> str:
        return "met" if self.met else "missed"


def print_table(rows: list[Row]) -> None:
    """The one table every command prints."""
    header = ("target", "measured", "reference", "ratio", "result", "goal")
    lines = [
        (
            r.target,
            r.measured,
            r.reference,
            "-" if r.ratio is None else f"{r.ratio:.2f}",
            r.verdict,
            r.goal,
        )
        for r in rows
    ]
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)
    ]
    for line in (header, *lines):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))  # noqa: T201


def median(values: list[float]) -> float:
    return statistics.median(values)


def pg_args() -> list[str]:
    """-h/-p/-U of DATABASE_URL's server, for createdb, dropdb and pgbench."""
    parts = urlsplit(SERVER_URL)
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U",
            parts.username or "root"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class PgbenchRun:
    tps: float
    transactions: int


def pgbench(database: str, *flags: str, clients: int, seconds: int) -> PgbenchRun:
    """`pgbench <flags> -c clients -j 2 -T seconds` on `database`: its tps (without the
    connection time) and the transactions it processed."""
    done = subprocess.run(
        [
            "pgbench",
            *pg_args(),
            *flags,
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            database,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=False,
    )
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    processed = re.search(r"actually processed: (\d+)", done.stdout)
    if done.returncode != 0 or tps is None or processed is None:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return PgbenchRun(float(tps.group(1)), int(processed.group(1)))


def database_url(name: str, pool: int = 20) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", f"maxsize={pool}", ""))


@contextlib.contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database for the block (its name), dropped after."""
    name = f"bench_{prefix}_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *pg_args(), name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["dropdb", *pg_args(), "--if-exists", "--force", name], check=False)


@contextlib.asynccontextmanager
async def open_database(name: str, pool: int = 20) -> AsyncIterator[str]:
    """The database `name` migrated and opened in this process for seeding; its URL."""
    url = database_url(name, pool)
    # The product's own `migrate` command, in a process of its own: aerich cannot migrate
    # twice in one process once a Tortoise context has been closed.
    migrated = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        "migrate",
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"},
    )
    if await migrated.wait() != 0:
        raise RuntimeError(f"migrating {name} failed")
    await db.open_db(url)
    try:
        yield url
    finally:
        await db.close_db()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database: str, port: int, data_dir: str, **extra: str) -> dict[str, str]:
    """The environment of a product server on `database`, otherwise as shipped: LOG_LEVEL and
    LOG_FORMAT are the defaults (INFO, text), so every request writes its access line."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "REDIS_URL": REDIS_URL,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATA_DIR": data_dir,
        "JWT_SECRET": JWT_SECRET,
        "INTEGRATION_TOKEN": INTEGRATION_TOKEN,
        # wrk is one caller (one token, one address) making thousands of requests a second: the
        # limit would answer 429s, which measures the limiter, not the route
        "RATE_LIMIT_PER_MIN": "0",
        # a benchmark client books many sessions: the booking path is measured, not the limit
        "MAX_ACTIVE_BOOKINGS": "0",
        # the board's reader (telegram id 1) is an admin by setting: roles come from the database
        "ADMIN_IDS": "1",
    }
    env.pop("LOG_LEVEL", None)
    env.pop("LOG_FORMAT", None)
    env.pop("BOT_TOKEN", None)
    env.update(extra)
    return env


async def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode} on start")
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{base}/healthz") as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{base} did not answer /healthz in {STARTUP_TIMEOUT_S:.0f} s")


class ProductServer:
    """`python main.py serve` on a free port, in a subprocess: web app, bot against the
    built-in emulator, scheduler and outbox sender, as in production. Its log (stderr) goes to
    a file, as an operator's goes to a file or to a log collector draining a pipe, never to a
    terminal; a server that fails to start shows its last lines."""

    def __init__(self, database: str, **extra_env: str) -> None:
        self.database = database
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env
        self.process: subprocess.Popen[bytes] | None = None
        self._data_dir = tempfile.mkdtemp(prefix="bench_data_")
        self.log_path = Path(self._data_dir) / "server.log"

    async def start(self) -> ProductServer:
        env = server_env(self.database, self.port, self._data_dir, **self.extra_env)
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "main.py", "serve"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stderr=log_file,
            )
        try:
            await wait_until_up(self.base, self.process)
        except RuntimeError as exc:
            tail = self.log_path.read_text(errors="replace").splitlines()[-20:]
            raise RuntimeError("\n".join([str(exc), *tail])) from None
        return self

    def kill(self) -> None:
        """SIGKILL: the instance dies mid-flight."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        shutil.rmtree(self._data_dir, ignore_errors=True)

    async def __aenter__(self) -> ProductServer:
        try:
            return await self.start()
        except BaseException:
            self.stop()
            raise

    async def __aexit__(self, *_exc: object) -> None:
        self.stop()


class BareServer:
    """A bare aiohttp server (bench/bare.py) answering recorded answers (bench.bare.Answers)."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._folder = tempfile.mkdtemp(prefix="bench_bare_")

    async def __aenter__(self) -> BareServer:
        path = Path(self._folder) / "answers.json"
        write_answers(path, self.answers)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.bare", str(self.port), str(path)], cwd=ROOT
        )
        await wait_until_up(self.base, self.process)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)


def require_wrk() -> str:
    """wrk's path; a clear failure when it is missing (Debian: apt-get install -y wrk)."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "wrk is not installed: apt-get install -y wrk (the read benchmarks need it)"
        )
    return path


@dataclass(frozen=True, slots=True)
class WrkResult:
    rps: float
    p99_ms: float
    errors: int


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int = 32,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> WrkResult:
    """Requests a second and p99 latency of `wrk -c<connections>` on `url` (with `script`, a
    Lua file of wrk's that may choose each request's path on `url`'s server)."""
    command = [require_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], check=True, capture_output=True, text=True)
    out = done.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if rps is None or p99 is None:
        raise RuntimeError(f"wrk printed no figures:\n{out}\n{done.stderr}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return WrkResult(float(rps.group(1)), _ms(p99.group(1)), errors)


def repeat_median(runs: int, measure: Callable[[], WrkResult]) -> WrkResult:
    """The median requests/s and p99 of `runs` measurements (the machine is shared)."""
    return median_result([measure() for _ in range(runs)])


def median_result(results: list[WrkResult]) -> WrkResult:
    """The median requests/s and p99 of `results`, and all their errors."""
    return WrkResult(
        median([r.rps for r in results]),
        median([r.p99_ms for r in results]),
        sum(r.errors for r in results),
    )
