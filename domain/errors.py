"""Domain errors: each names what went wrong in words a caller can show.

`code` is stable for callers. `field` is the domain's own name for what was wrong: a parameter
of the use case or an attribute of the thing it acts on, never a field of some wire format;
each adapter says it in its own words (webapp/errors.py maps kinds to HTTP statuses and, per
route, domain names to wire fields)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request."""

    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class InvalidInput(DomainError):
    code = "invalid"


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class BookingLimitReached(Conflict):
    """The client already has as many upcoming sessions as one may book at once."""

    code = "booking_limit"


class SlotInPast(Conflict):
    """The time has passed: a conflict with the clock, not malformed input (the same request
    made earlier would have been taken)."""

    code = "slot_in_past"


class SlotOverlap(Conflict):
    code = "slot_overlap"


class SlotExists(Conflict):
    code = "slot_exists"


class SlotBooked(Conflict):
    """The slot has an appointment: it can be neither removed nor taken."""

    code = "slot_booked"


class SlotHeld(Conflict):
    """Another client holds the slot right now."""

    code = "slot_held"


class HoldRequired(Conflict):
    """Booking needs the caller's own live hold on the slot."""

    code = "hold_required"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class SessionBegun(Conflict):
    """The session has begun: its client can no longer cancel it."""

    code = "session_begun"


class AlreadyTaken(Conflict):
    """Someone else was first (a help-hand ticket, an automatch slot)."""

    code = "already_taken"


class RuleExists(Conflict):
    """The psychologist already repeats this weekday and time every week."""

    code = "rule_exists"
