"""Who did what, recorded in the transaction of the change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.enums import Actor
from db.plain_sql import Rows, insert, json_text
from domain.timerules import utcnow

_COLUMNS = ("actor", "actor_ref", "source", "action", "entity", "entity_id", "data", "created_at")


@dataclass(frozen=True, slots=True)
class Initiator:
    """Who is behind a change: kind, a reference (telegram id, token name), channel."""

    actor: Actor
    ref: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


SYSTEM = Initiator(Actor.SYSTEM, source="job")


def entry(
    initiator: Initiator,
    action: str,
    entity: str,
    entity_id: int,
    *,
    at: datetime | None = None,
    **data: Any,
) -> Rows:
    """The audit row of a change, for `db.plain_sql.insert` with the change's other rows."""
    values = (
        initiator.actor.value,
        initiator.ref[:64],
        initiator.source[:16],
        action,
        entity,
        entity_id,
        json_text(data),
        at or utcnow(),
    )
    return Rows("audit_log", _COLUMNS, (values,))


async def record(
    initiator: Initiator, action: str, entity: str, entity_id: int, **data: Any
) -> None:
    await insert(entry(initiator, action, entity, entity_id, **data))
