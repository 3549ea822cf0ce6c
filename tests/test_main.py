"""`python main.py` as a person runs it: a real process, real HTTP over loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings
from main import sandbox_refusal
from tests.harness.processes import ROOT, bare_env

# The usual umask of a login shell: what main.py keeps private, it keeps so by itself.
LOOSE_UMASK = 0o022


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as answer:
        return answer.code, json.load(answer)


def _start(cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start `python main.py` in `cwd`; its output goes to cwd/main.log."""
    with (cwd / "main.log").open("w") as log:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "main.py")],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            umask=LOOSE_UMASK,
        )


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> tuple[int, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("main.py exited early; see main.log")
        try:
            return _get_json(url)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {timeout} s")


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    port = _free_port()
    process = _start(tmp_path, bare_env(PORT=str(port)))
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_runs_with_nothing_configured_and_stops_on_sigterm(
    started: tuple[subprocess.Popen, int], tmp_path: Path
) -> None:
    process, port = started
    status, health = _wait_for(f"http://127.0.0.1:{port}/healthz", process)
    assert status == 200
    assert health == {"status": "ok", "database": "ok", "redis": "off", "bot": "sandbox"}
    assert (tmp_path / "data" / "app.sqlite3").exists()
    secrets_file = tmp_path / "data" / "secrets.json"
    assert _modes(tmp_path / "data") == {
        "data/": "0o700",
        **dict.fromkeys(_names(tmp_path / "data"), "0o600"),
    }

    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=5) == 0
    assert time.monotonic() - began < 5
    log = (tmp_path / "main.log").read_text()
    assert f"listening on http://127.0.0.1:{port}" in log
    assert "Traceback" not in log
    assert "Unclosed" not in log, "an HTTP session or connector was left open"
    for name, value in json.loads(secrets_file.read_text()).items():
        assert value not in log, f"{name} was logged in full"
    assert {"app.sqlite3", "secrets.json"} <= _names(tmp_path / "data")
    assert set(_modes(tmp_path / "data").values()) <= {"0o700", "0o600"}


def _names(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def _modes(folder: Path) -> dict[str, str]:
    """The folder's mode and that of everything in it, as `oct` writes them."""
    modes = {f"{folder.name}/": oct(folder.stat().st_mode & 0o777)}
    modes.update({path.name: oct(path.stat().st_mode & 0o777) for path in folder.iterdir()})
    return modes


def test_files_left_loose_by_an_earlier_run_are_tightened(tmp_path: Path) -> None:
    assert _run_main("migrate", cwd=tmp_path).returncode == 0
    data = tmp_path / "data"
    assert _modes(data) == {"data/": "0o700", "app.sqlite3": "0o600", "secrets.json": "0o600"}
    # as an older version, a copy or a person may have left them
    data.chmod(0o755)
    (data / "app.sqlite3").chmod(0o644)
    (data / "secrets.json").chmod(0o644)
    (data / "nightly.bak").write_bytes(b"")
    (data / "nightly.bak").chmod(0o755)

    done = _run_main("migrate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _modes(data) == {
        "data/": "0o700",
        "app.sqlite3": "0o600",
        "secrets.json": "0o600",
        "nightly.bak": "0o600",
    }


def test_an_sqlite_database_outside_data_dir_is_private_too(tmp_path: Path) -> None:
    elsewhere = tmp_path / "db"
    elsewhere.mkdir(mode=0o755)
    database = elsewhere / "hraniteli.sqlite3"
    url = f"sqlite://{database}"
    assert _run_main("migrate", cwd=tmp_path, DATABASE_URL=url).returncode == 0
    assert oct(database.stat().st_mode & 0o777) == "0o600"
    database.chmod(0o644)
    journal = elsewhere / "hraniteli.sqlite3-journal"
    journal.write_bytes(b"")  # an empty journal is none: SQLite leaves it be when reading
    journal.chmod(0o644)
    backup = tmp_path / "nightly.bak"
    done = _run_main("backup", str(backup), cwd=tmp_path, DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    modes = [oct(path.stat().st_mode & 0o777) for path in (database, journal, backup)]
    assert modes == ["0o600"] * 3


def test_ctrl_c_stops_cleanly(started: tuple[subprocess.Popen, int]) -> None:
    process, port = started
    _wait_for(f"http://127.0.0.1:{port}/healthz", process)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=5) == 0


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="this run has no Redis configured (SQLite run)"
)
def test_health_reports_the_configured_database_and_redis(tmp_path: Path) -> None:
    port = _free_port()
    process = _start(tmp_path, dict(os.environ, PORT=str(port)))
    try:
        status, health = _wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert (status, health["database"], health["redis"]) == (200, "ok", "ok")
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0


def _run_main(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=cwd,
        env=bare_env(**env),
        umask=LOOSE_UMASK,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_migrate_only_migrates(tmp_path: Path) -> None:
    migrations = len(list((ROOT / "db" / "migrations" / "models").glob("*.py")))
    done = _run_main("migrate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{migrations} migration(s) applied now" in done.stderr
    again = _run_main("migrate", cwd=tmp_path)
    assert "0 migration(s) applied now" in again.stderr
    assert "listening" not in again.stderr


def test_help_lists_the_sub_commands() -> None:
    done = _run_main("--help")
    assert done.returncode == 0
    assert "migrate" in done.stdout
    assert "serve" in done.stdout


def test_models_match_the_last_migration() -> None:
    """`aerich migrate` on a clean checkout finds no model change."""
    done = subprocess.run(
        [sys.executable, "-m", "db.makemigration", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no model change to migrate" in done.stdout


@pytest.mark.parametrize(
    ("command", "setting", "named"),
    [
        ((), {"HOST": "0.0.0.0"}, "HOST=0.0.0.0 is not a loopback address"),
        (("serve",), {"HOST": "192.0.2.10"}, "HOST=192.0.2.10 is not a loopback address"),
        ((), {"PUBLIC_URL": "https://booking.example"}, "PUBLIC_URL=https://booking.example"),
    ],
)
def test_the_sandbox_refuses_to_start_where_others_can_reach_it(
    tmp_path: Path, command: tuple[str, ...], setting: dict[str, str], named: str
) -> None:
    done = _run_main(*command, cwd=tmp_path, PORT=str(_free_port()), **setting)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"serve: refusing to start: {named}")
    assert "no BOT_TOKEN" in lines[0]
    assert "SANDBOX=1" in lines[0]
    assert not (tmp_path / "data").exists(), "a refused start touched nothing"


@pytest.mark.parametrize(
    "setting",
    [{"HOST": "0.0.0.0", "SANDBOX": "1"}, {"HOST": "localhost"}],
    ids=["shared-on-purpose", "loopback"],
)
def test_the_sandbox_starts_on_loopback_or_when_shared_on_purpose(
    tmp_path: Path, setting: dict[str, str]
) -> None:
    port = _free_port()
    process = _start(tmp_path, bare_env(PORT=str(port), **setting))
    try:
        status, health = _wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert (status, health["bot"]) == (200, "sandbox")
    finally:
        process.terminate()
        assert process.wait(timeout=5) == 0
    log = (tmp_path / "main.log").read_text()
    shared = "the sandbox is open to others" in log
    assert shared == (setting.get("SANDBOX") == "1")


@pytest.mark.parametrize(
    ("host", "public_url", "bot_token", "sandbox", "refused"),
    [
        ("127.0.0.1", "", "", False, False),
        ("127.8.9.10", "http://127.8.9.10:8080", "", False, False),
        ("localhost", "", "", False, False),
        ("::1", "", "", False, False),
        ("[::1]", "", "", False, False),
        ("::ffff:127.0.0.1", "", "", False, False),
        ("", "", "", False, True),  # every address
        ("::", "", "", False, True),
        ("10.0.0.5", "", "", False, True),
        ("booking.example", "", "", False, True),
        ("127.0.0.1", "HTTPS://booking.example", "", False, True),
        ("0.0.0.0", "https://booking.example", "", True, False),
        ("0.0.0.0", "https://booking.example", "1:real-token", False, False),
    ],
)
def test_what_counts_as_reachable_by_others(
    host: str, public_url: str, bot_token: str, sandbox: bool, refused: bool
) -> None:
    settings = Settings(
        _env_file=None, host=host, public_url=public_url, bot_token=bot_token, sandbox=sandbox
    )
    assert (sandbox_refusal(settings) is not None) == refused
