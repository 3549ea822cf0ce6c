"""Fixtures of the fault tests: a private PostgreSQL and Redis in a temporary folder.

These tests bring their own servers and ignore DATABASE_URL / REDIS_URL, so one run proves
them; they run in the PostgreSQL pass of CI (DATABASE_URL set) and are skipped in the SQLite
pass (DATABASE_URL unset) to keep CI short. `python -m pytest -m faults` runs them anyway.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.servers import (
    Cluster,
    MissingTool,
    PrivatePostgres,
    PrivateRedis,
    migrate_template,
)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("DATABASE_URL") or "faults" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(
        reason="fault tests run once, in the PostgreSQL pass (DATABASE_URL set) or with "
        "-m faults; they bring their own servers"
    )
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster (with a migrated template database) and a Redis of our own, on
    free ports; both gone afterwards, however the tests ended."""
    folder = Path(tempfile.mkdtemp(prefix="faults_"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")  # initdb runs as postgres
    postgres = redis = None
    try:
        try:
            postgres = PrivatePostgres(folder)
            redis = PrivateRedis(folder)
        except MissingTool as missing:
            pytest.fail(str(missing))
        postgres.init()
        postgres.start()
        migrate_template(postgres, folder)
        redis.start()
        yield Cluster(folder, postgres, redis)
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop_quietly()
        shutil.rmtree(folder, ignore_errors=True)
