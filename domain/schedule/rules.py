"""Weekly rules: a psychologist's free time that repeats every week at the same local weekday
and time, kept as slots four weeks ahead.

A rule's time is a wall-clock time of the zone it was made in, so a rule "Monday 10:00
Europe/Berlin" makes 10:00 Berlin slots on both sides of a DST change.

Each rule's slots are made up to a horizon: the latest start it has made (its slots remember
their rule), and never before the four weeks considered when it was made. Topping up only adds
weeks after that horizon, so a slot the psychologist removed by hand inside it stays removed.
(Removing the rule's very latest slot lowers the horizon; the next top-up may make it again.)

Slots go through domain.schedule.slots: a week whose time is already taken (the same start, or
an overlapping slot) is skipped, and no rule ever makes a slot in the past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from db.models import Psychologist, Slot, SlotRule
from domain.changes import data_changed
from domain.errors import (
    DomainError,
    NotFound,
    RuleExists,
    SlotExists,
    SlotInPast,
    SlotOverlap,
)
from domain.schedule import slots
from domain.timerules import client_zone, utcnow

WEEKS_AHEAD = 4
AHEAD = timedelta(weeks=WEEKS_AHEAD)
WEEK = timedelta(weeks=1)


@dataclass(frozen=True, slots=True)
class Rule:
    """Every `weekday` (0 is Monday) at `clock` in `zone`, `duration_min` long."""

    id: int
    weekday: int
    clock: time
    duration_min: int
    zone: ZoneInfo

    @property
    def timezone(self) -> str:
        return self.zone.key


@dataclass(frozen=True, slots=True)
class MadeRule:
    """A new rule, its first slot, and the local starts of the later weeks it made now."""

    rule: Rule
    first: Slot
    added: list[datetime]


@dataclass(frozen=True, slots=True)
class RemovedRule:
    """How many of the rule's upcoming slots went (free), and stayed (held or booked)."""

    removed_slots: int
    kept_slots: int


def _rule(row: SlotRule) -> Rule:
    return Rule(
        id=row.id,
        weekday=row.weekday,
        clock=time(row.minute // 60, row.minute % 60),
        duration_min=row.duration_min,
        zone=client_zone(row.timezone),
    )


def _occurrence(day: date, row: SlotRule) -> datetime:
    """The rule's start on the local `day`, as UTC (SQLite compares stored instants as text)."""
    zone = client_zone(row.timezone)
    local = datetime.combine(day, time(row.minute // 60, row.minute % 60), tzinfo=zone)
    return local.astimezone(UTC)


async def _make_weeks(
    row: SlotRule, first_day: date, until: datetime, now: datetime
) -> list[datetime]:
    """Make the rule's slots on `first_day` and every week after it that starts by `until`;
    a week whose time is taken is skipped. Answers the local starts made."""
    made: list[datetime] = []
    day = first_day
    while (starts_at := _occurrence(day, row)) <= until:
        try:
            await slots.add_slot(
                row.psychologist_id, starts_at, row.duration_min, now=now, rule_id=row.id
            )
        except (SlotInPast, SlotExists, SlotOverlap):
            pass  # taken by another slot (or raced by another instance): that week is skipped
        else:
            made.append(starts_at.astimezone(client_zone(row.timezone)))
        day += WEEK
    return made


async def make_rule(
    psychologist_id: int,
    starts_at: datetime,
    duration_min: int = slots.DEFAULT_DURATION_MIN,
    *,
    now: datetime | None = None,
) -> MadeRule:
    """Add the slot at `starts_at` and repeat it every week: same weekday and wall-clock time
    in the psychologist's zone, slots made at once up to four weeks from `now`. The first slot
    is refused as any slot is (past, duplicate, overlap), and then no rule is made."""
    now = now or utcnow()
    psychologist = await Psychologist.filter(id=psychologist_id).first()
    if psychologist is None:
        raise NotFound("psychologist not found", field="psychologist")
    zone = client_zone(psychologist.timezone)
    local = starts_at.astimezone(zone)
    try:
        row = await SlotRule.create(
            psychologist_id=psychologist_id,
            weekday=local.weekday(),
            minute=local.hour * 60 + local.minute,
            duration_min=duration_min,
            timezone=zone.key,
            created_at=now,  # the horizon's floor: the weeks considered at making
        )
    except IntegrityError as exc:
        raise RuleExists(f"{local:%d.%m %H:%M} already repeats every week", field="slot") from exc
    try:
        first = await slots.add_slot(
            psychologist_id, local.astimezone(UTC), duration_min, now=now, rule_id=row.id
        )
    except DomainError:
        await row.delete()
        raise
    added = await _make_weeks(row, local.date() + WEEK, now + AHEAD, now)
    return MadeRule(_rule(row), first, added)


async def _horizon(row: SlotRule) -> datetime:
    """The latest start the rule has dealt with (see the module's docstring)."""
    latest = (
        await Slot.filter(rule_id=row.id)
        .order_by("-starts_at")
        .first()
        .values_list("starts_at", flat=True)
    )
    floor = row.created_at + AHEAD
    return floor if latest is None else max(latest, floor)


async def keep_rules_ahead(*, now: datetime | None = None) -> int:
    """Make every rule's slots up to four weeks from `now`; answers how many were made.
    Idempotent: a second run makes nothing, and weeks already dealt with are left alone."""
    now = now or utcnow()
    until = now + AHEAD
    made = 0
    for row in await SlotRule.filter(psychologist__is_active=True).order_by("id"):
        # Weeks already past could not be made anyway: start from now at the earliest.
        horizon = max(await _horizon(row), now).astimezone(client_zone(row.timezone))
        # The rule's first start after the horizon.
        day = horizon.date() + timedelta(days=(row.weekday - horizon.weekday()) % 7)
        if _occurrence(day, row) <= horizon:
            day += WEEK
        made += len(await _make_weeks(row, day, until, now))
    return made


async def rules_of(psychologist_id: int) -> list[Rule]:
    """The psychologist's weekly rules, Monday first."""
    rows = await SlotRule.filter(psychologist_id=psychologist_id).order_by("weekday", "minute")
    return [_rule(row) for row in rows]


async def remove_rule(
    psychologist_id: int, rule_id: int, *, now: datetime | None = None
) -> RemovedRule:
    """Remove the psychologist's rule and its upcoming free slots; held and booked ones stay,
    and past ones (they are history)."""
    now = now or utcnow()
    async with in_transaction():
        row = await SlotRule.filter(id=rule_id, psychologist_id=psychologist_id).first()
        if row is None:
            raise NotFound("weekly rule not found", field="rule")
        removed = await Slot.filter(
            slots.free_now(now), rule_id=row.id, starts_at__gt=now
        ).delete()
        kept = await Slot.filter(rule_id=row.id, starts_at__gt=now).count()
        await row.delete()
    if removed:
        await data_changed("slots.changed")
    return RemovedRule(removed_slots=removed, kept_slots=kept)
