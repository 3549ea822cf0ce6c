"""Who did what, recorded in the transaction of the change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from db.enums import Actor
from db.models import AuditLog


@dataclass(frozen=True, slots=True)
class Initiator:
    """Who is behind a change: kind, a reference (telegram id, token name), channel."""

    actor: Actor
    ref: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


SYSTEM = Initiator(Actor.SYSTEM, source="job")


async def record(
    initiator: Initiator, action: str, entity: str, entity_id: int, **data: Any
) -> None:
    await AuditLog.create(
        actor=initiator.actor,
        actor_ref=initiator.ref[:64],
        source=initiator.source[:16],
        action=action,
        entity=entity,
        entity_id=entity_id,
        data=data,
    )
