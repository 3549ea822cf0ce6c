"""`python main.py` as an operator starts it: from the repository, in an environment without
the service's own variables (a test names those it wants)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "BOT_TOKEN",
    "PORT",
    "HOST",
    "PUBLIC_URL",
    "SANDBOX",
    "DATA_DIR",
)


def bare_env(**extra: str) -> dict[str, str]:
    """This process's environment without the service's variables, with `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.update(extra)
    return env
