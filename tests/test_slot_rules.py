"""Weekly rules: a psychologist's free time repeated every week, kept four weeks ahead."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from db.enums import Actor, SlotStatus
from db.models import Slot, SlotRule
from domain.audit import Initiator
from domain.booking import appointments
from domain.errors import NotFound, RuleExists, SlotInPast
from domain.schedule import rules, slots
from tests.harness.builders import make_client, make_psychologist

pytestmark = pytest.mark.usefixtures("database")

BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday, two and a half weeks before Berlin's clocks go forward (Sunday 2027-03-28).
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
MONDAY_10 = datetime(2027, 3, 15, 10, 0, tzinfo=BERLIN)


async def _starts(rule_id: int) -> list[datetime]:
    found = await Slot.filter(rule_id=rule_id).order_by("starts_at")
    return [slot.starts_at for slot in found]


async def _berlin_rule() -> tuple[int, rules.MadeRule]:
    psychologist = await make_psychologist(timezone=BERLIN.key)
    return psychologist.id, await rules.make_rule(psychologist.id, MONDAY_10, now=NOW)


async def test_a_rule_keeps_local_time_across_the_dst_change() -> None:
    _, made = await _berlin_rule()
    rule = made.rule
    assert (rule.weekday, rule.clock.isoformat("minutes"), rule.timezone) == (
        0,
        "10:00",
        BERLIN.key,
    )
    starts = await _starts(rule.id)
    # Four weeks from now: 15, 22, 29 March and 5 April; the first two in winter time.
    assert [s.astimezone(BERLIN).strftime("%d.%m %H:%M") for s in starts] == [
        "15.03 10:00",
        "22.03 10:00",
        "29.03 10:00",
        "05.04 10:00",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [9, 9, 8, 8]
    assert made.first.starts_at == starts[0]
    assert [a.astimezone(UTC) for a in made.added] == starts[1:]


async def test_topping_up_is_idempotent_and_follows_the_clock() -> None:
    _, made = await _berlin_rule()
    assert await rules.keep_rules_ahead(now=NOW) == 0
    assert await rules.keep_rules_ahead(now=NOW + timedelta(days=4)) == 0
    # Two runs at once (two instances past the lock): one makes the week, the other skips it.
    week_later = NOW + timedelta(days=7)
    runs = await asyncio.gather(
        rules.keep_rules_ahead(now=week_later), rules.keep_rules_ahead(now=week_later)
    )
    assert sorted(runs) == [0, 1]
    assert await rules.keep_rules_ahead(now=week_later) == 0
    latest = (await _starts(made.rule.id))[-1]
    assert latest.astimezone(BERLIN) == datetime(2027, 4, 12, 10, 0, tzinfo=BERLIN)
    # A month without a run (the service was down) is caught up at once.
    assert await rules.keep_rules_ahead(now=NOW + timedelta(days=35)) == 4
    assert len(await _starts(made.rule.id)) == 9


async def test_a_slot_removed_by_hand_is_not_made_again() -> None:
    psychologist_id, made = await _berlin_rule()
    first, second, *_, last = await Slot.filter(rule_id=made.rule.id).order_by("starts_at")
    await slots.remove_slot(psychologist_id, second.id, now=NOW)
    # Even the latest of the weeks made with the rule stays removed.
    await slots.remove_slot(psychologist_id, last.id, now=NOW)
    assert await rules.keep_rules_ahead(now=NOW + timedelta(days=1)) == 0
    assert await rules.keep_rules_ahead(now=NOW + timedelta(days=7)) == 1
    starts = await _starts(made.rule.id)
    assert second.starts_at not in starts
    assert last.starts_at not in starts
    assert first.starts_at in starts


async def test_weeks_taken_by_other_slots_are_skipped() -> None:
    psychologist = await make_psychologist(timezone=BERLIN.key)
    overlapping = MONDAY_10 + timedelta(days=7, minutes=30)
    one_off = await slots.add_slot(psychologist.id, overlapping, now=NOW)
    made = await rules.make_rule(psychologist.id, MONDAY_10, now=NOW)
    assert len(await _starts(made.rule.id)) == 3
    assert (await Slot.get(id=one_off.id)).rule_id is None
    assert await Slot.filter(psychologist_id=psychologist.id).count() == 4


async def test_the_first_slot_is_refused_as_any_slot_and_then_no_rule_is_made() -> None:
    psychologist_id, _ = await _berlin_rule()
    with pytest.raises(RuleExists):
        await rules.make_rule(psychologist_id, MONDAY_10 + timedelta(days=7), now=NOW)
    with pytest.raises(SlotInPast):
        await rules.make_rule(psychologist_id, MONDAY_10 - timedelta(days=14, hours=1), now=NOW)
    assert await SlotRule.filter(psychologist_id=psychologist_id).count() == 1
    with pytest.raises(NotFound):
        await rules.make_rule(987_654, MONDAY_10, now=NOW)


async def test_removing_a_rule_keeps_taken_and_past_slots() -> None:
    psychologist_id, made = await _berlin_rule()
    first, second, third, fourth = await Slot.filter(rule_id=made.rule.id).order_by("starts_at")
    alice, bob = await make_client(), await make_client()
    later = NOW + timedelta(days=6)  # the first slot is past by then
    await appointments.book(
        alice.id, second.id, Initiator(Actor.CLIENT), require_own_hold=False, now=NOW
    )
    await appointments.hold_slot(bob.id, third.id, now=later)

    with pytest.raises(NotFound):
        await rules.remove_rule(psychologist_id + 1, made.rule.id, now=later)
    removed = await rules.remove_rule(psychologist_id, made.rule.id, now=later)

    assert (removed.removed_slots, removed.kept_slots) == (1, 2)
    assert not await SlotRule.exists(id=made.rule.id)
    left = {slot.id: slot for slot in await Slot.filter(psychologist_id=psychologist_id)}
    assert sorted(left) == [first.id, second.id, third.id]
    assert left[second.id].status == SlotStatus.BOOKED
    assert all(slot.rule_id is None for slot in left.values())
    assert await rules.rules_of(psychologist_id) == []
