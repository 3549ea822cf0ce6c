"""Value sets stored in the database; the domain gives them their meaning."""

from enum import StrEnum


class SlotStatus(StrEnum):
    FREE = "free"
    HELD = "held"
    BOOKED = "booked"


class AppointmentStatus(StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class ClientSource(StrEnum):
    BOT = "bot"
    IMPORT = "import"
    MANUAL = "manual"
    API = "api"


class ManagerRole(StrEnum):
    MANAGER = "manager"
    ADMIN = "admin"


class InviteRole(StrEnum):
    """Whom an invite makes of the person who opens it."""

    MANAGER = "manager"
    ADMIN = "admin"
    PSYCHOLOGIST = "psychologist"


class TicketKind(StrEnum):
    REGULAR = "regular"
    HELP_HAND = "help_hand"


class TicketStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Actor(StrEnum):
    """Who made a change (appointments' `created_by`, the audit log)."""

    CLIENT = "client"
    PSYCHOLOGIST = "psychologist"
    MANAGER = "manager"
    ADMIN = "admin"
    INTEGRATION = "integration"
    SYSTEM = "system"


class EventKind(StrEnum):
    CONFIRM_REQUEST = "confirm_request"
    CONFIRM_REMINDER_22H = "confirm_reminder_22h"
    CONFIRM_REMINDER_21H = "confirm_reminder_21h"
    AUTO_CANCEL = "auto_cancel"
    SESSION_REMINDER = "session_reminder"
    REVIEW_REQUEST = "review_request"
    MANAGER_ALERT = "manager_alert"  # a new booking, told to the managers (not planned)
    CALENDAR_SYNC = "calendar_sync"  # the Google Calendar event follows a move or a cancel


class EventState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    DROPPED = "dropped"
    FAILED = "failed"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ReviewAuthor(StrEnum):
    CLIENT = "client"
    PSYCHOLOGIST = "psychologist"


class WaitlistState(StrEnum):
    WAITING = "waiting"  # in line
    OFFERED = "offered"  # holds an offered slot until its offer lapses
    BOOKED = "booked"  # took an offer
    CANCELLED = "cancelled"  # left the line


class OfferOutcome(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"  # the slot went to someone else or away meanwhile
