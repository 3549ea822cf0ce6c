"""`python main.py worker` as an operator runs it: scheduler and sender alone, stopping
cleanly on SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.harness.processes import ROOT, bare_env


def test_worker_runs_alone_and_stops_on_sigterm(tmp_path: Path) -> None:
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "worker"],
            cwd=tmp_path,
            env=bare_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "worker running" not in log_path.read_text():
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
        assert time.monotonic() - began < 5
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = log_path.read_text()
    assert "scheduler started: sessions_provided [0 21 * * *]" in text
    assert "listening" not in text


def test_the_worker_serves_its_metrics_on_metrics_port(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "worker"],
            cwd=tmp_path,
            env=bare_env(METRICS_PORT=str(port)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "worker running" not in log_path.read_text():
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            text = answer.read().decode()
        assert answer.status == 200
        # the job run at start ran in this process, and the backlog is read from the database
        assert 'hraniteli_cron_runs_total{job="slot_rules",result="ok"} 1.0' in text
        assert "hraniteli_outbox_pending 0.0" in text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
