"""`pip install` of the wheel gives the whole product: a `hraniteli` command that migrates and
serves the mini apps with their templates, static files and catalogs, from an empty folder.

The wheel goes into a plain venv (no system site-packages) with `--no-deps`; its dependencies
come from this interpreter's site-packages, named in a .pth file of the venv. That keeps the
test offline, and the venv's own site-packages comes first on sys.path, so `main`, `domain`,
`webapp`... are imported from the wheel. A plain path line in a .pth is not a site dir: the
editable install of the checkout (an import hook in this interpreter's site-packages) stays
out, and the test checks that the code runs from the venv.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.harness.processes import ROOT, bare_env
from tests.test_main import _free_port

# What a build needs from the checkout, as pyproject.toml names it (the copy keeps build/ and
# egg-info out of it).
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]
SOURCES = (
    "pyproject.toml",
    "README.md",
    *(f"{module}.py" for module in SETUPTOOLS["py-modules"]),
)
PACKAGES = tuple(name.rstrip("*") for name in SETUPTOOLS["packages"]["find"]["include"])
ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"')


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / name, source / name)
    for name in PACKAGES:
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", wheels, source],
        check=True,
        timeout=120,
    )
    (wheel,) = wheels.glob("hraniteli-*.whl")
    target = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", target], check=True)
    python = target / "bin" / "python"
    subprocess.run([*pip, "--python", python, "install", "--no-deps", wheel], check=True)
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return target


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read()


def test_the_code_runs_from_the_wheel(venv: Path) -> None:
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import main, domain, db; print(main.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=venv,
    ).stdout
    assert where.startswith(str(venv)), where
    usage = subprocess.run(
        [venv / "bin" / "hraniteli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert usage.startswith("usage: hraniteli ")
    for command in ("serve", "worker", "migrate", "demo", "backup", "restore"):
        assert command in usage


def test_hraniteli_migrates_and_serves_from_an_empty_folder(venv: Path, tmp_path: Path) -> None:
    hraniteli = str(venv / "bin" / "hraniteli")
    env = bare_env(DATA_DIR=str(tmp_path / "data"))
    migrated = subprocess.run(
        [hraniteli, "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    shipped = len(list((ROOT / "db" / "migrations" / "models").glob("*.py")))
    assert f"{shipped} migration(s) applied now" in migrated.stderr
    with sqlite3.connect(tmp_path / "data" / "app.sqlite3") as database:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    assert {"aerich", "clients"} <= tables

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [hraniteli, "serve"], cwd=tmp_path, env={**env, "PORT": str(port)}, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                status, body = _fetch(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert status == 200, body
        assert json.loads(body)
        status, page = _fetch(f"{base}/app/book")
        assert status == 200
        assets = ASSET.findall(page.decode())
        assert any(".js" in asset for asset in assets), assets
        assert any(".css" in asset for asset in assets), assets
        for asset in assets:
            url = urljoin(f"{base}/app/book", asset)
            if url.startswith(base):
                assert _fetch(url)[0] == 200, url
        # the Russian catalog is in the wheel: the page speaks Russian by default
        assert re.search(r"[а-яА-Я]", page.decode())
    finally:
        server.terminate()
        server.wait(timeout=15)
