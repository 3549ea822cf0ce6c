"""The outbox as the sender sees it: rows queued as the domain queues them, the sender at a
test's pace, and waiting until it has settled every row."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from db.enums import OutboxState
from db.models import Outbox
from domain.timerules import utcnow

FAST = {"backoff_s": 0.05, "poll_s": 0.05, "per_chat_s": 0.0}
_keys = iter(range(1, 10**9))


async def queue_message(chat_id: int, text: str = "hello", **fields: Any) -> Outbox:
    """An Outbox row due now (real clock), as the domain writes them."""
    return await Outbox.create(
        chat_id=chat_id,
        text=text,
        dedup_key=f"test:{next(_keys)}",
        not_before=fields.pop("not_before", utcnow()),
        **fields,
    )


async def wait_until_settled(timeout: float = 10.0) -> None:
    """Until no row is pending or being sent."""
    deadline = time.monotonic() + timeout
    while await Outbox.filter(state__in=[OutboxState.PENDING, OutboxState.SENDING]).exists():
        assert time.monotonic() < deadline, "the sender did not settle"
        await asyncio.sleep(0.02)
