"""Settings: embedded defaults, generated secrets kept across restarts, never logged in full."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from config import GENERATED_SECRETS, Settings, load_settings, masked


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("DATABASE_URL", "REDIS_URL", "BOT_TOKEN", "ADMIN_IDS", "PUBLIC_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name in GENERATED_SECRETS:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the work tree
    return tmp_path


def test_with_no_database_url_sqlite_lives_in_data_dir(clean_env: Path) -> None:
    assert Settings(data_dir=clean_env / "private").database_url == (
        f"sqlite://{clean_env}/private/app.sqlite3"
    )
    given = "postgres://u@db:5432/x"
    assert Settings(data_dir=clean_env, database_url=given).database_url == given


def test_defaults_need_no_services(clean_env: Path) -> None:
    settings = Settings()
    assert settings.database_url == "sqlite://data/app.sqlite3"
    assert settings.redis_url == ""
    assert settings.uses_sandbox
    assert settings.base_url == "http://127.0.0.1:8080"
    assert (settings.rate_limit_per_min, settings.event_tick_s, settings.send_rate) == (
        300,
        15,
        25,
    )


def test_secrets_are_generated_once_and_kept(
    clean_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        first = load_settings(data_dir=clean_env / "data")
    second = load_settings(data_dir=clean_env / "data")
    stored = json.loads((clean_env / "data" / "secrets.json").read_text())
    for name in GENERATED_SECRETS:
        value = getattr(first, name).get_secret_value()
        assert len(value) >= 32
        assert getattr(second, name).get_secret_value() == value == stored[name]
        assert value not in caplog.text
    assert len({stored[name] for name in GENERATED_SECRETS}) == 3


def test_secrets_are_private_also_over_a_leftover_file(clean_env: Path) -> None:
    data = clean_env / "data"
    data.mkdir(mode=0o755)
    leftover = data / "secrets.tmp"  # an interrupted write of an earlier run
    leftover.write_text("{}")
    leftover.chmod(0o644)
    load_settings(data_dir=data)
    assert oct((data / "secrets.json").stat().st_mode & 0o777) == "0o600"


def test_configured_secret_wins_over_generated(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_SECRET", "from-the-environment-0123456789")
    settings = load_settings(data_dir=clean_env / "data")
    assert settings.jwt_secret.get_secret_value() == "from-the-environment-0123456789"


def test_admin_ids_and_public_url(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "11, 22,33")
    monkeypatch.setenv("PUBLIC_URL", "https://example.org/")
    settings = Settings()
    assert settings.admin_ids == [11, 22, 33]
    assert settings.base_url == "https://example.org"


def test_masked_shows_only_a_prefix() -> None:
    assert masked(SecretStr("abcdefghijklmnop")) == "abcd…(16 chars)"
    assert masked("") == "(unset)"
