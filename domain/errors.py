"""Domain errors: each names what went wrong in words a caller can show, and maps to a 4xx."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request. `code` is stable for callers; `status` is the HTTP answer it maps to."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "reason": self.message}
        if self.field:
            body["field"] = self.field
        body.update(self.details)
        return body


class InvalidInput(DomainError):
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
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


class AlreadyTaken(Conflict):
    """Someone else was first (a help-hand ticket, an automatch slot)."""

    code = "already_taken"
