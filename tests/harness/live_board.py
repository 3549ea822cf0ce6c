"""A manager's socket on the live board: what arrives on it, and whether anything more does."""

from __future__ import annotations

import contextlib
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

UPDATES = "/api/v1/dashboard/updates"


async def next_event(ws: aiohttp.ClientWebSocketResponse, timeout: float = 3) -> dict[str, Any]:
    return await ws.receive_json(timeout=timeout)


async def connect(http: TestClient, token: str) -> aiohttp.ClientWebSocketResponse:
    """A socket on the board's updates, past its "ready"."""
    ws = await http.ws_connect(UPDATES, params={"token": token})
    assert await next_event(ws) == {"type": "ready"}
    return ws


async def stays_quiet(ws: aiohttp.ClientWebSocketResponse) -> bool:
    """Nothing more arrives for a moment."""
    with contextlib.suppress(TimeoutError):
        await ws.receive(timeout=0.3)
        return False
    return True
