"""The stored things the domain hands to adapters: the records its use cases return.

Adapters read these (a client's name, an appointment's time) and annotate with these names;
they never query or save them: every read and change is a domain function. Their column
lengths are published here too, so that a route can refuse a longer text before any query.
"""

from db.models import (
    Appointment,
    Client,
    FormTracking,
    Manager,
    Outbox,
    Psychologist,
    Slot,
    Ticket,
)

__all__ = [
    "LEAD_NUMBER_MAX_LENGTH",
    "USERNAME_MAX_LENGTH",
    "Appointment",
    "Client",
    "FormTracking",
    "Manager",
    "Outbox",
    "Psychologist",
    "Slot",
    "Ticket",
]

LEAD_NUMBER_MAX_LENGTH: int = Ticket._meta.fields_map["number"].max_length  # type: ignore[attr-defined]
USERNAME_MAX_LENGTH: int = Client._meta.fields_map["username"].max_length  # type: ignore[attr-defined]
