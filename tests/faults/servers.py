"""The private servers of the fault tests: a PostgreSQL cluster (initdb + pg_ctl) and a Redis,
each in a temporary folder on a free port, and the product itself (`python main.py`) as a
process of its own. Nothing here goes near the shared PostgreSQL on 5432 or Redis on 6379.

A missing initdb, pg_ctl or redis-server is an error, never a reason to skip: CI has them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
SHARED_PORTS = frozenset({5432, 6379})
# Generous: an instance starting on a busy 2-core machine, under the test's own load, has
# been seen to take 27 s (Python and aiogram imports, the migration check).
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
TEMPLATE_DB = "faults_template"
MIGRATE_TIMEOUT_S = 120


class MissingTool(RuntimeError):
    """A server binary the fault tests need is not installed."""


def free_port() -> int:
    """A loopback port nobody listens on now (never the shared servers' ports)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in SHARED_PORTS:
            return port


def _version(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.name)) or (0,)


def postgres_bin() -> Path:
    """The folder holding initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin, else the
    folder PATH's pg_ctl resolves to (Debian links /usr/local/bin/pg_ctl there)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*"), key=_version, reverse=True)
    for version in found:
        folder = version / "bin"
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is not None:
        folder = Path(pg_ctl).resolve().parent
        if (folder / "initdb").is_file():
            return folder
    raise MissingTool(
        "initdb and pg_ctl were not found (apt-get install postgresql): the fault tests "
        "start a PostgreSQL of their own"
    )


def redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        raise MissingTool(
            "redis-server was not found (apt-get install redis-server): the fault tests "
            "start a Redis of their own"
        )
    return found


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: as root, run them as the `postgres` user."""
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *command]
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(command)]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster: trust auth for `root` on 127.0.0.1:<free port>."""

    user = "root"

    def __init__(self, folder: Path) -> None:
        self.bin = postgres_bin()
        self.folder = folder / "pg"
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            _as_postgres([str(self.bin / args[0]), *args[1:]]),
            check=check,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S + 10,
        )

    def init(self) -> None:
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._pg(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "-E", "UTF8",
            "--no-sync", "--no-instructions",
        )  # fmt: skip

    def start(self) -> None:
        options = shlex.join(
            [
                "-p", str(self.port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", f"unix_socket_directories={self.folder}",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
            ]
        )  # fmt: skip
        self._pg(
            "pg_ctl", "start", "-w", "-t", str(int(START_TIMEOUT_S)), "-D", str(self.data),
            "-l", str(self.log), "-o", options,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._pg("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data))

    def stop_quietly(self) -> None:
        """Cleanup: stop it however it is, ignoring a server that is not running."""
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data), check=False)

    def createdb(self, name: str, template: str | None = None) -> None:
        command = [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port)]
        command += ["-U", self.user, *(["-T", template] if template else []), name]
        subprocess.run(command, check=True, capture_output=True, timeout=30)

    def url(self, database: str, pool: int = 10) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}?maxsize={pool}"


class PrivateRedis:
    """A throwaway Redis on 127.0.0.1:<free port>, no persistence: a restart loses its data,
    as a crashed cache would."""

    def __init__(self, folder: Path) -> None:
        self.binary = redis_server()
        self.folder = folder / "redis"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.folder),
                "--logfile", str(self.folder / "server.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass(frozen=True)
class Cluster:
    """A private PostgreSQL (holding the migrated template) and Redis, in one folder."""

    folder: Path
    postgres: PrivatePostgres
    redis: PrivateRedis


def migrate_template(postgres: PrivatePostgres, folder: Path) -> None:
    """The product's own migrations, once, into a template every scenario copies."""
    postgres.createdb(TEMPLATE_DB)
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url(TEMPLATE_DB),
        "DATA_DIR": str(folder / "migrate"),
        "JWT_SECRET": secrets.token_urlsafe(16),
        "INTEGRATION_TOKEN": secrets.token_urlsafe(16),
        "WEBHOOK_SECRET": secrets.token_urlsafe(16),
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "main.py", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=MIGRATE_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrating the template failed:\n{done.stdout}\n{done.stderr}")


class ProductInstance:
    """`python main.py` (web app, bot, scheduler, outbox sender) on its own port."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.folder = folder / f"instance_{name}"
        self.folder.mkdir(parents=True)
        self.log_path = self.folder / "output.log"
        self.env = {
            **env,
            "PORT": str(self.port),
            "DATA_DIR": str(self.folder / "data"),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "main.py"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1

    async def wait_serving(self, http: aiohttp.ClientSession) -> None:
        """Until /healthz answers 200; an instance that exits or hangs fails the test."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"instance {self.name} exited on start:\n{self.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                timeout = aiohttp.ClientTimeout(total=2)
                async with http.get(f"{self.base}/healthz", timeout=timeout) as answer:
                    if answer.status == 200:
                        return
            await asyncio.sleep(0.05)
        raise RuntimeError(f"instance {self.name} did not serve in time:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, mid-flight."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(how)
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])
