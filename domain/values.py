"""The value sets of the domain, for adapters: they name statuses, roles and kinds through the
domain, never through db/ (where these enums are stored)."""

from db.enums import (
    Actor,
    AppointmentStatus,
    ClientSource,
    EventKind,
    EventState,
    InviteRole,
    ManagerRole,
    OutboxState,
    ReviewAuthor,
    SlotStatus,
    TicketKind,
    TicketStatus,
    WaitlistState,
)

__all__ = [
    "Actor",
    "AppointmentStatus",
    "ClientSource",
    "EventKind",
    "EventState",
    "InviteRole",
    "ManagerRole",
    "OutboxState",
    "ReviewAuthor",
    "SlotStatus",
    "TicketKind",
    "TicketStatus",
    "WaitlistState",
]
