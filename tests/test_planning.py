"""When the events of an appointment are due, and the status table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.enums import AppointmentStatus as S
from db.enums import EventKind as K
from domain.booking.planning import plan_for
from domain.errors import IllegalTransition
from domain.statuses import allowed_targets, check_transition
from tests.harness.builders import NOW
from webapp.errors import refusal_status

HOUR = timedelta(hours=1)
SESSION = timedelta(minutes=60)


def test_booked_days_ahead_gets_the_whole_chain() -> None:
    starts = NOW + 72 * HOUR
    plan = plan_for(starts, SESSION, NOW)
    assert plan.confirmed_on_booking is False
    assert plan.events == {
        K.CONFIRM_REQUEST: starts - 24 * HOUR,
        K.CONFIRM_REMINDER_22H: starts - 22 * HOUR,
        K.CONFIRM_REMINDER_21H: starts - 21 * HOUR,
        K.AUTO_CANCEL: starts - 20 * HOUR,
        K.SESSION_REMINDER: starts - 2 * HOUR,
        K.REVIEW_REQUEST: starts + SESSION + HOUR,
    }


def test_booked_under_a_day_is_asked_at_once_and_keeps_later_reminders() -> None:
    starts = NOW + 21.5 * HOUR
    plan = plan_for(starts, SESSION, NOW)
    assert plan.events[K.CONFIRM_REQUEST] == NOW
    assert K.CONFIRM_REMINDER_22H not in plan.events  # already past
    assert plan.events[K.CONFIRM_REMINDER_21H] == starts - 21 * HOUR
    # auto-cancel at T-20h but never sooner than 2 h after the ask
    assert plan.events[K.AUTO_CANCEL] == NOW + 2 * HOUR


def test_booked_five_hours_ahead_auto_cancels_two_hours_after_the_ask() -> None:
    starts = NOW + 5 * HOUR
    plan = plan_for(starts, SESSION, NOW)
    assert plan.events[K.CONFIRM_REQUEST] == NOW
    assert plan.events[K.AUTO_CANCEL] == NOW + 2 * HOUR
    assert plan.events[K.SESSION_REMINDER] == starts - 2 * HOUR


def test_booked_under_four_hours_is_confirmed_and_reminded_at_once_if_needed() -> None:
    starts = NOW + 1 * HOUR
    plan = plan_for(starts, SESSION, NOW)
    assert plan.confirmed_on_booking is True
    assert plan.events == {K.SESSION_REMINDER: NOW, K.REVIEW_REQUEST: starts + SESSION + HOUR}


def test_a_confirmed_appointment_moved_needs_no_new_confirmation() -> None:
    plan = plan_for(NOW + 72 * HOUR, SESSION, NOW, confirmed=True)
    assert set(plan.events) == {K.SESSION_REMINDER, K.REVIEW_REQUEST}
    assert plan.confirmed_on_booking is False


@pytest.mark.parametrize(
    ("current", "allowed"),
    [
        (S.NEW, ["confirmed", "completed", "cancelled", "no_show"]),
        (S.CONFIRMED, ["completed", "cancelled", "no_show"]),
        (S.COMPLETED, ["no_show"]),
        (S.NO_SHOW, ["completed"]),
        (S.CANCELLED, []),
    ],
)
def test_transition_table(current: S, allowed: list[str]) -> None:
    assert allowed_targets(current) == allowed
    for target in S:
        if target.value in allowed:
            check_transition(current, target)
        else:
            with pytest.raises(IllegalTransition) as refused:
                check_transition(current, target)
            assert refused.value.details["allowed"] == allowed
            assert refusal_status(refused.value) == 409
