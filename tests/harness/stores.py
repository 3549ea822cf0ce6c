"""The run's database and Redis, as the environment names them, and emptying the database
between tests."""

from __future__ import annotations

import os

from tortoise import Tortoise, connections

IS_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
REDIS_URL = os.environ.get("REDIS_URL", "")


async def empty_tables() -> None:
    conn = connections.get("default")
    tables = [
        model._meta.db_table
        for model in Tortoise.apps.get_models_iterable()
        if model._meta.db_table != "aerich"
    ]
    if IS_POSTGRES:
        await conn.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    else:
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + "PRAGMA foreign_keys=ON;"
        )
