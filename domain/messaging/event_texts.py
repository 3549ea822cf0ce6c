"""Message ids of the texts that planned events and cron jobs send (translated by domain.i18n)."""

from domain.i18n import N_

BUTTON_CONFIRM = N_("✅ I will come")
BUTTON_RESCHEDULE = N_("🔁 Reschedule")
BUTTON_CANCEL = N_("❌ Cancel")
BUTTON_TAKE_OFFER = N_("✅ Book this time")

CONFIRM_REQUEST = N_(
    "You have a session with {psychologist} on {when}. "
    "Please confirm that you will come, or choose another time."
)
CONFIRM_REMINDER = N_(
    "Please confirm your session with {psychologist} on {when}. "
    "Without a confirmation it will be cancelled in {hours} h."
)
SESSION_REMINDER_CLIENT = N_(
    "Your session with {psychologist} begins in two hours, on {when}.\n"
    "How to prepare: {preparation}\nVideo link: {link}"
)
SESSION_REMINDER_PSYCHOLOGIST = N_(
    "Your session with {client} begins in two hours, on {when}.\nVideo link: {link}"
)
PREPARATION_TIPS = N_(
    "find a quiet place where nobody will disturb you, check your camera, microphone and "
    "connection, and keep water and headphones at hand."
)
NO_LINK_YET = N_("it will be sent before the session")
REVIEW_REQUEST_CLIENT = N_(
    "How was your session with {psychologist} on {when}? "
    "Please rate it; you can write a review in your next message."
)
REVIEW_REQUEST_PSYCHOLOGIST = N_(
    "How did the session with {client} on {when} go? "
    "Please rate it; you can add notes in your next message."
)
SLOTS_REMINDER = N_(
    "Please add your free slots for next week ({week}): so far there are {count}, "
    "clients need at least {needed}."
)

MANAGER_NEW_BOOKING = N_("New booking: {client} with {psychologist} on {when}.")
