"""Fixtures of the integration API tests."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from webapp.keys import SERVICES


@pytest.fixture
def token_headers(web_client: TestClient) -> dict[str, str]:
    token = web_client.app[SERVICES].settings.integration_token.get_secret_value()
    return {"Authorization": f"Bearer {token}"}
