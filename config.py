"""Settings: read once from the environment (or `.env`) with safe embedded defaults.

Secrets that are not configured are generated on first run and kept in the data folder, so a
restart keeps issued tokens valid. No secret is ever logged in full (see `masked`).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

GENERATED_SECRETS = ("jwt_secret", "integration_token", "webhook_secret")
# The data folder and what is in it (secrets, the database: phone numbers) are the owner's alone.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# The bot token when BOT_TOKEN is unset: the bot then talks to the built-in Bot API emulator.
SANDBOX_TOKEN = "123456789:SANDBOX-token-for-local-runs"


def masked(value: str | SecretStr | None) -> str:
    """A secret as it may appear in logs: its first four characters only."""
    raw = value.get_secret_value() if isinstance(value, SecretStr) else (value or "")
    return f"{raw[:4]}…({len(raw)} chars)" if raw else "(unset)"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    data_dir: Path = Path("data")
    # empty: SQLite in DATA_DIR (app.sqlite3), next to the secrets it goes with
    database_url: str = ""
    redis_url: str = ""

    bot_token: SecretStr = SecretStr("")
    telegram_api_base: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    public_url: str = ""
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    jwt_secret: SecretStr = SecretStr("")
    jwt_ttl_s: int = Field(default=12 * 3600, gt=0)
    integration_token: SecretStr = SecretStr("")
    webhook_secret: SecretStr = SecretStr("")

    zoom_account_id: str = ""
    zoom_client_id: str = ""
    zoom_client_secret: SecretStr = SecretStr("")
    zoom_user_id: str = "me"
    zoom_api_base: str = "https://api.zoom.us/v2"
    zoom_oauth_url: str = "https://zoom.us/oauth/token"
    google_service_account_file: str = ""
    google_calendar_id: str = "primary"
    google_api_base: str = "https://www.googleapis.com/calendar/v3"
    google_token_url: str = "https://oauth2.googleapis.com/token"

    rate_limit_per_min: int = Field(default=300, ge=0)
    # Addresses of reverse proxies whose X-Forwarded-For names the real caller (comma-separated).
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Future active appointments a client may hold at once; 0 = no limit.
    max_active_bookings: int = Field(default=2, ge=0)
    # A client's cancel this close to the start (hours) is a late cancel, counted in reports.
    late_cancel_hours: int = Field(default=24, ge=0, le=24 * 14)
    # How long a freed slot offered to the first client on the waitlist is theirs alone.
    waitlist_offer_min: int = Field(default=15, ge=1, le=24 * 60)
    # The sandbox (no BOT_TOKEN) serves a chat that signs initData for anyone: it refuses to
    # run where others can reach it unless this is set.
    sandbox: bool = False
    event_tick_s: float = Field(default=15, gt=0)
    send_rate: float = Field(default=25, gt=0)
    # Where the session reminder points for preparation advice; empty: the advice is inline.
    preparation_url: str = ""

    import_max_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    import_max_rows: int = Field(default=200_000, gt=0)

    # Bearer token of GET /metrics; empty: loopback callers only.
    metrics_token: SecretStr = SecretStr("")
    # The worker's /metrics on HOST:METRICS_PORT (it serves no HTTP otherwise); 0 = none.
    metrics_port: int = Field(default=0, ge=0, le=65535)

    log_level: str = "INFO"
    # "text": one readable line per record; "json": one JSON object per line.
    log_format: Literal["text", "json"] = "text"

    @model_validator(mode="after")
    def _database_in_data_dir(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite://{self.data_dir / 'app.sqlite3'}"
        return self

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_addresses(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @property
    def base_url(self) -> str:
        """External base URL for links and mini-app buttons."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def telegram_token(self) -> str:
        """The bot token in force: BOT_TOKEN, or the sandbox's when it is unset."""
        return self.bot_token.get_secret_value() or SANDBOX_TOKEN

    @property
    def uses_sandbox(self) -> bool:
        """No real token: the bot talks to the built-in Bot API emulator."""
        return not self.bot_token.get_secret_value()

    def fill_generated_secrets(self) -> None:
        """Generate missing secrets once and keep them in `data_dir/secrets.json` (mode 0600)."""
        missing = [
            name for name in GENERATED_SECRETS if not getattr(self, name).get_secret_value()
        ]
        if not missing:
            return
        store = self.data_dir / "secrets.json"
        kept: dict[str, str] = {}
        if store.exists():
            kept = json.loads(store.read_text(encoding="utf-8"))
        changed = False
        for name in missing:
            if not kept.get(name):
                kept[name] = secrets.token_urlsafe(32)
                changed = True
                log.info("generated %s %s, kept in %s", name, masked(kept[name]), store)
            setattr(self, name, SecretStr(kept[name]))
        if changed:
            self.data_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
            tmp = store.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
            # O_CREAT's mode is not applied to a leftover file of an interrupted run
            os.fchmod(fd, PRIVATE_FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(kept, fh)
            tmp.replace(store)

    def make_data_dir_private(self) -> None:
        """DATA_DIR 0700 and every file directly in it 0600 (secrets, the default SQLite file
        and its journals, backups kept there), however an earlier run or a person left them."""
        if not self.data_dir.is_dir():
            return  # made when something is first kept there, under the process's umask
        make_private(self.data_dir, PRIVATE_DIR_MODE)
        for path in self.data_dir.iterdir():
            if path.is_file() and not path.is_symlink():
                make_private(path)


def make_private(path: Path, mode: int = PRIVATE_FILE_MODE) -> None:
    """Set `path`'s mode; a file of another account is reported and left to its owner."""
    try:
        path.chmod(mode)
    except FileNotFoundError:
        pass  # gone meanwhile (a journal SQLite has just removed)
    except PermissionError as exc:
        log.warning("cannot make %s private (mode %o): %s", path, mode, exc.strerror)


def load_settings(**overrides: object) -> Settings:
    """Read the settings and complete the generated secrets."""
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.fill_generated_secrets()
    return settings
