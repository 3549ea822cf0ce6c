"""Tortoise connection config; `TORTOISE_ORM` is what the aerich CLI reads (pyproject.toml)."""

import os
from typing import Any

MODEL_MODULES = ["db.models", "aerich.models"]
DEFAULT_DATABASE_URL = "sqlite://data/app.sqlite3"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for one database; instants are stored in UTC."""
    return {
        "connections": {"default": database_url},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
