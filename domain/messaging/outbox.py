"""Writing messages to people: rows in the Outbox, inside the caller's transaction.

A sender (a later part) delivers them; writing here is what makes a change and its messages
commit or roll back together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from db.models import Outbox


async def enqueue(
    *,
    chat_id: int | None,
    text: str,
    kind: str,
    dedup_key: str,
    now: datetime,
    client_id: int | None = None,
    psychologist_id: int | None = None,
    reply_markup: dict[str, Any] | None = None,
    not_before: datetime | None = None,
    fresh_key: bool = False,
) -> Outbox | None:
    """Queue one message; a repeated `dedup_key` writes nothing new. No chat, no message.

    `fresh_key=True` when the key is unique by construction (it carries a random stamp):
    the existence check is skipped.
    """
    if chat_id is None:
        return None
    fields = {
        "chat_id": chat_id,
        "text": text,
        "kind": kind,
        "client_id": client_id,
        "psychologist_id": psychologist_id,
        "reply_markup": reply_markup,
        "not_before": not_before or now,
    }
    if fresh_key:
        return await Outbox.create(dedup_key=dedup_key[:160], **fields)
    row, _created = await Outbox.get_or_create(dedup_key=dedup_key[:160], defaults=fields)
    return row
