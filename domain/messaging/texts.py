"""Message ids of the texts the domain writes to people (translated by domain.i18n)."""

from db.enums import AppointmentStatus
from domain.i18n import N_

BOOKED_CLIENT = N_("You are booked: a session with {psychologist} on {when}.")
BOOKED_PSYCHOLOGIST = N_("New booking: {client}, {when}.")
CANCELLED_CLIENT = N_("Your session with {psychologist} on {when} is cancelled.")
CANCELLED_PSYCHOLOGIST = N_("The session with {client} on {when} is cancelled.")
AUTO_CANCELLED_CLIENT = N_(
    "Your session with {psychologist} on {when} is cancelled because it was not confirmed."
)
MOVED_CLIENT = N_("Your session with {psychologist} has moved from {old} to {when}.")
MOVED_PSYCHOLOGIST = N_("The session with {client} has moved from {old} to {when}.")
CONFIRMED_PSYCHOLOGIST = N_("{client} confirmed the session on {when}.")
STATUS_CLIENT = N_("Your session with {psychologist} on {when}: {status}.")
REASON = N_("Reason: {reason}")
CLIENT_FALLBACK_NAME = N_("Client")

STATUS_NAMES = {
    AppointmentStatus.NEW: N_("new"),
    AppointmentStatus.CONFIRMED: N_("confirmed"),
    AppointmentStatus.COMPLETED: N_("completed"),
    AppointmentStatus.CANCELLED: N_("cancelled"),
    AppointmentStatus.NO_SHOW: N_("did not take place"),
}
