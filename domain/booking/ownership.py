"""Whose a session is: the one rule the bot and the web both ask before a client acts on an
appointment."""

from __future__ import annotations

from db.models import Appointment


async def owns(client_id: int, appointment_id: int) -> bool:
    """Whether the appointment is this client's (a missing one is nobody's)."""
    return await Appointment.filter(id=appointment_id, client_id=client_id).exists()
