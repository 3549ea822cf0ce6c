"""Claiming queue rows (scheduled events, outbox messages) so that each is worked by one runner.

A claim marks rows as taken with a lease (`claimed_until`); a runner that dies leaves its rows
to be claimed again once the lease runs out. PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED`
in a short transaction, so concurrent runners take disjoint rows without waiting. SQLite has
one writer and no row locks: each candidate is taken by a conditional UPDATE that repeats the
claimable condition, so two tasks can never both take a row.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from db import dialect

# Rows looked at per row taken when rows are capped per group.
_LOOKAHEAD = 8


async def claim(
    model: type[Model],
    claimable: Q,
    *,
    order_by: tuple[str, ...],
    running: Enum,
    lease_until: datetime,
    limit: int,
    count_attempt: bool = False,
    per_group: tuple[str, int] | None = None,
) -> list[int]:
    """Take up to `limit` rows matching `claimable`: they become `running` until `lease_until`.

    Answers the ids taken, in `order_by` order; `count_attempt` adds one to `attempts`.
    `per_group=(field, n)` takes at most n rows per value of `field` (one chat's backlog must
    not fill a whole batch and starve the others).
    """
    changes: dict[str, Any] = {"state": running, "claimed_until": lease_until}
    if count_attempt:
        changes["attempts"] = F("attempts") + 1
    if per_group is not None:
        field, most = per_group
        taken_per_group: dict[Any, int] = {}
        picked: list[int] = []
        seen = model.filter(claimable).order_by(*order_by).limit(limit * _LOOKAHEAD)
        for row_id, group in await seen.values_list("id", field):
            if len(picked) == limit:
                break
            if taken_per_group.get(group, 0) < most:
                taken_per_group[group] = taken_per_group.get(group, 0) + 1
                picked.append(row_id)
        if not picked:
            return []
        claimable = claimable & Q(id__in=picked)
    candidates = model.filter(claimable).order_by(*order_by).limit(limit)
    if dialect() == "postgres":
        async with in_transaction():
            rows = await candidates.select_for_update(
                skip_locked=True, of=(model._meta.db_table,)
            ).only("id")
            ids = [row.pk for row in rows]
            if ids:
                await model.filter(id__in=ids).update(**changes)
        return ids
    return [
        row_id
        for row_id in await candidates.values_list("id", flat=True)
        if await model.filter(claimable, id=row_id).update(**changes)
    ]
