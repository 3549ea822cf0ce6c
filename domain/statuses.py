"""The appointment status machine: the board's columns and the moves allowed between them."""

from __future__ import annotations

from db.enums import AppointmentStatus as S
from domain.errors import IllegalTransition

# Cancelled is final: a freed slot may already belong to someone else.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.NEW: frozenset({S.CONFIRMED, S.CANCELLED, S.COMPLETED, S.NO_SHOW}),
    S.CONFIRMED: frozenset({S.COMPLETED, S.NO_SHOW, S.CANCELLED}),
    S.COMPLETED: frozenset({S.NO_SHOW}),  # a manager's correction
    S.NO_SHOW: frozenset({S.COMPLETED}),  # a manager's correction
    S.CANCELLED: frozenset(),
}

# Outcomes that only make sense once the session has begun.
AFTER_START = frozenset({S.COMPLETED, S.NO_SHOW})
# Statuses in which an appointment occupies its slot and can still be moved.
ACTIVE = frozenset({S.NEW, S.CONFIRMED})


def allowed_targets(current: S) -> list[str]:
    """The statuses reachable from `current`, in board order."""
    return [status.value for status in S if status in TRANSITIONS[current]]


def check_transition(current: S, target: S) -> None:
    """Raise IllegalTransition naming the allowed targets unless current -> target is allowed."""
    if target not in TRANSITIONS[current]:
        allowed = allowed_targets(current)
        refused = (
            f"the appointment is already {current.value}"
            if target == current
            else f"cannot move an appointment from {current.value} to {target.value}"
        )
        raise IllegalTransition(
            f"{refused}; allowed: {', '.join(allowed) or 'none'}",
            field="status",
            current=current.value,
            allowed=allowed,
        )
