"""Fixtures of the /api/v1 tests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config import load_settings
from services import Services
from tests.harness.api_callers import Api
from webapp.app import create_app


@pytest.fixture
async def two_instances(database: str, tmp_path: Path) -> AsyncIterator[tuple[Api, Api]]:
    """Two app instances in one process sharing the database and Redis, as two servers."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL")
    settings = load_settings(database_url=database, redis_url=redis_url, data_dir=tmp_path)
    first = TestClient(TestServer(create_app(Services(settings=settings), own_database=False)))
    second = TestClient(TestServer(create_app(Services(settings=settings), own_database=False)))
    async with first, second:
        yield Api(first), Api(second)
