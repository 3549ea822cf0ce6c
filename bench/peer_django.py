"""django-appointment, the peer bench/peer.py measures against: installed from PyPI into a venv
of its own outside the repository (cached, reused while its pins stay), run as a minimal Django
project written to a temporary folder, migrated and seeded with its own models (peer_seed.py),
served by gunicorn the way its docs deploy a Django site."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import SERVER_URL, free_port, wait_until_up

VERSION = "3.12.0"
PINS = (
    f"django-appointment=={VERSION}",
    "Django==5.2.20",
    "gunicorn==27.0.1",
    "psycopg[binary]==3.3.9",
)
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hraniteli-bench"
VENV = CACHE / "peer-venv"
PINS_FILE = "bench-pins.txt"
INSTALL_TIMEOUT_S = 240
SEED_SCRIPT = Path(__file__).with_name("peer_seed.py")
PACKAGE = "peerproject"

# Django's startproject settings with DEBUG off, the apps and URLconf django-appointment's README
# asks for, PostgreSQL with persistent connections (Django's deployment checklist), the
# product's time zone (the same calendar days on both sides).
SETTINGS = """\
import os

SECRET_KEY = "bench-peer-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "appointment",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peerproject.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "peerproject.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["PEER_DB_NAME"],
        "HOST": os.environ["PEER_DB_HOST"],
        "PORT": os.environ["PEER_DB_PORT"],
        "USER": os.environ["PEER_DB_USER"],
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }
}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
APPOINTMENT_WEBSITE_NAME = "Bench"
# the package ships no migrations (its README: makemigrations appointment, then migrate); they
# are made here, in the project's folder, not in the shared venv
MIGRATION_MODULES = {"appointment": "peerproject.appointment_migrations"}
"""

URLS = """\
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("appointment/", include("appointment.urls")),
    # what bench.common.wait_until_up asks for
    path("healthz", lambda request: HttpResponse("ok")),
]
"""

WSGI = """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproject.settings")
application = get_wsgi_application()
"""


class PeerUnavailable(RuntimeError):
    """django-appointment could not be installed (PyPI unreachable, most likely)."""


def peer_python() -> Path:
    """The peer venv's python: installed from PyPI on first use, reused while PINS match."""
    python = VENV / "bin" / "python"
    pins_file = VENV / PINS_FILE
    wanted = "\n".join(PINS)
    if python.exists() and pins_file.exists() and pins_file.read_text() == wanted:
        return python
    shutil.rmtree(VENV, ignore_errors=True)
    VENV.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PINS]
    try:
        done = subprocess.run(
            install, check=False, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        shutil.rmtree(VENV, ignore_errors=True)
        raise PeerUnavailable(f"pip install {' '.join(PINS)}: over {INSTALL_TIMEOUT_S}s") from exc
    if done.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        tail = " / ".join(done.stderr.strip().splitlines()[-3:])
        raise PeerUnavailable(f"pip install {' '.join(PINS)} failed: {tail}")
    pins_file.write_text(wanted)
    return python


@dataclass(frozen=True, slots=True)
class Seeded:
    service_id: int
    staff_ids: list[int]


class PeerProject:
    """The Django project on database `database`, in a temporary folder (removed on close)."""

    def __init__(self, python: Path, database: str) -> None:
        self.python = python
        self.folder = Path(tempfile.mkdtemp(prefix="bench_peer_"))
        package = self.folder / PACKAGE
        package.mkdir()
        for name, text in {
            "__init__.py": "",
            "settings.py": SETTINGS,
            "urls.py": URLS,
            "wsgi.py": WSGI,
        }.items():
            (package / name).write_text(text)
        server = urlsplit(SERVER_URL)
        self.env = {
            **os.environ,
            "PYTHONPATH": str(self.folder),
            "DJANGO_SETTINGS_MODULE": f"{PACKAGE}.settings",
            "PEER_DB_NAME": database,
            "PEER_DB_HOST": server.hostname or "127.0.0.1",
            "PEER_DB_PORT": str(server.port or 5432),
            "PEER_DB_USER": server.username or "root",
        }
        self.env.pop("VIRTUAL_ENV", None)

    def _run(self, *args: str) -> str:
        done = subprocess.run(
            [str(self.python), *args],
            check=False,
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"peer {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def migrate_and_seed(
        self, staff: int, first_hour: int, last_hour: int, slot_minutes: int
    ) -> Seeded:
        self._run("-m", "django", "makemigrations", "appointment", "-v0")
        self._run("-m", "django", "migrate", "--no-input", "-v0")
        out = self._run(
            str(SEED_SCRIPT), str(staff), str(first_hour), str(last_hour), str(slot_minutes)
        )
        seeded = json.loads(out.strip().splitlines()[-1])
        return Seeded(seeded["service"], seeded["staff"])

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def gunicorn_workers() -> int:
    """Gunicorn's documented starting point: (2 x cores) + 1 sync workers."""
    return 2 * (os.cpu_count() or 1) + 1


class GunicornServer:
    """The peer project under gunicorn on a free port (its output discarded: the app logs
    to stdout at DEBUG)."""

    def __init__(self, project: PeerProject) -> None:
        self.project = project
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    async def __aenter__(self) -> GunicornServer:
        gunicorn = self.project.python.parent / "gunicorn"
        command = [str(gunicorn), f"{PACKAGE}.wsgi:application", "--bind",
                   f"127.0.0.1:{self.port}", "--workers", str(gunicorn_workers()),
                   "--log-level", "warning"]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=self.project.folder,
            env=self.project.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        try:
            await wait_until_up(self.base, self.process)
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
