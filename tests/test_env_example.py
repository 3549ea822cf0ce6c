""".env.example names every setting of config.py, each with its comment, and nothing else but
the two values compose.yaml itself reads; copied to .env as it is, it is a valid configuration."""

from __future__ import annotations

import pytest

from config import Settings
from tests.harness.processes import ROOT

EXAMPLE = ROOT / ".env.example"
# read by compose.yaml, not by the app
COMPOSE_ONLY = {"DOMAIN", "POSTGRES_PASSWORD"}


def _entries() -> list[tuple[str, str]]:
    """(name, the comment line above it) for each setting in the file."""
    entries = []
    comment = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            comment = ""  # a setting's comment is in its own block of lines
        elif line.startswith("# ") and not line.startswith("# ---"):
            comment = line
        elif "=" in line and not line.startswith("#"):
            entries.append((line.split("=", 1)[0], comment))
    return entries


def test_every_setting_is_named_with_a_comment() -> None:
    names = [name for name, _ in _entries()]
    fields = {name.upper() for name in Settings.model_fields}
    assert len(names) == len(set(names)), "a setting is named twice"
    assert fields - set(names) == set(), "settings missing from .env.example"
    assert set(names) - fields - COMPOSE_ONLY == set(), "names that are no settings"
    uncommented = [name for name, comment in _entries() if not comment]
    assert uncommented == []


def test_the_example_as_it_is_is_a_valid_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings(_env_file=EXAMPLE)
    assert settings.database_url == "sqlite://data/app.sqlite3"
    assert settings.sandbox is False
    assert settings.admin_ids == []
