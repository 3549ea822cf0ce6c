"""Writing messages to people: rows in the Outbox, inside the caller's transaction.

A sender (a later part) delivers them; writing here is what makes a change and its messages
commit or roll back together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.enums import OutboxState
from db.plain_sql import Rows, insert, json_text
from domain.timerules import utcnow

KEY_LENGTH = 160
_COLUMNS = (
    "chat_id", "text", "kind", "dedup_key", "client_id", "psychologist_id", "reply_markup",
    "state", "not_before", "attempts", "last_error", "created_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Message:
    """One message to queue, to a chat; its key makes a repeat write nothing new."""

    chat_id: int
    text: str
    kind: str
    dedup_key: str
    client_id: int | None = None
    psychologist_id: int | None = None
    reply_markup: dict[str, Any] | None = None


def rows(messages: list[Message], not_before: datetime) -> Rows:
    """The Outbox rows of `messages`, for `db.plain_sql.insert` with the change's other rows:
    a key queued already writes nothing new."""
    pending, created_at = OutboxState.PENDING.value, utcnow()
    return Rows(
        "outbox",
        _COLUMNS,
        [
            (
                m.chat_id,
                m.text,
                m.kind,
                m.dedup_key[:KEY_LENGTH],
                m.client_id,
                m.psychologist_id,
                None if m.reply_markup is None else json_text(m.reply_markup),
                pending,
                not_before,
                0,
                "",
                created_at,
            )  # fmt: skip
            for m in messages
        ],
        skip_existing=("dedup_key",),
    )


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
) -> bool:
    """Queue one message (in one statement); a repeated `dedup_key` writes nothing new. No
    chat, no message: answers whether there is one."""
    if chat_id is None:
        return False
    message = Message(chat_id, text, kind, dedup_key, client_id, psychologist_id, reply_markup)
    await insert(rows([message], not_before or now))
    return True
