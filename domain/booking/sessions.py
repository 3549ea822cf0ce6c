"""A person's sessions as plain values: a client's upcoming ones and one of their own, a
psychologist's planned ones with their clients' contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from db.enums import AppointmentStatus
from db.models import Appointment
from domain.booking.ownership import owns
from domain.errors import Conflict, Forbidden, NotFound
from domain.people.profiles import PsychologistProfile, psychologist_profile
from domain.statuses import ACTIVE
from domain.timerules import utcnow


@dataclass(frozen=True, slots=True)
class Session:
    """A client's session with its psychologist, and the request (lead) it was booked for."""

    id: int
    psychologist: PsychologistProfile
    starts_at: datetime
    duration_min: int
    status: AppointmentStatus
    meeting_link: str
    lead_number: str | None
    queries: tuple[str, ...]
    series_id: int | None = None  # one of a weekly series, if it is

    @property
    def active(self) -> bool:
        """Still to take place: it occupies its slot and can be moved or cancelled."""
        return self.status in ACTIVE


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """A psychologist's session, with how to reach the client."""

    starts_at: datetime
    confirmed: bool
    client_name: str
    client_username: str | None
    client_phone: str | None


def _session(appointment: Appointment) -> Session:
    ticket = appointment.ticket
    return Session(
        id=appointment.id,
        psychologist=psychologist_profile(appointment.psychologist),
        starts_at=appointment.starts_at,
        duration_min=appointment.duration_min,
        status=appointment.status,
        meeting_link=appointment.meeting_link,
        lead_number=ticket.number if ticket is not None else None,
        queries=tuple(ticket.queries) if ticket is not None else (),
        series_id=appointment.series_id,
    )


async def upcoming_of_client(client_id: int, *, now: datetime | None = None) -> list[Session]:
    """The client's active sessions that have not ended, soonest first."""
    now = now or utcnow()
    rows = (
        await Appointment.filter(
            client_id=client_id, status__in=list(ACTIVE), starts_at__gt=now - timedelta(hours=4)
        )
        .prefetch_related("psychologist", "ticket")
        .order_by("starts_at")
    )
    return [_session(a) for a in rows if a.starts_at + timedelta(minutes=a.duration_min) > now]


async def require_own(client_id: int, appointment_id: int) -> None:
    """Refuse someone else's appointment to the client (Forbidden), and a missing one
    (NotFound)."""
    if await owns(client_id, appointment_id):
        return
    if not await Appointment.exists(id=appointment_id):
        raise NotFound("appointment not found", field="appointment_id")
    raise Forbidden("this is another client's appointment", field="appointment_id")


async def own_session(client_id: int, appointment_id: int, *, active: bool = False) -> Session:
    """The client's session; someone else's (or a missing one) is refused, and with
    `active=True` one that no longer takes place too."""
    await require_own(client_id, appointment_id)
    appointment = await Appointment.get(id=appointment_id).prefetch_related(
        "psychologist", "ticket"
    )
    session = _session(appointment)
    if active and not session.active:
        raise Conflict(f"the appointment is {session.status.value}", field="appointment_id")
    return session


async def sessions_of_psychologist(
    psychologist_id: int, days: int, *, now: datetime | None = None
) -> list[PlannedSession]:
    """The psychologist's active sessions from now to `days` days ahead, soonest first."""
    now = now or utcnow()
    rows = (
        await Appointment.filter(
            psychologist_id=psychologist_id,
            status__in=list(ACTIVE),
            starts_at__gt=now - timedelta(hours=1),
            starts_at__lt=now + timedelta(days=days),
        )
        .prefetch_related("client")
        .order_by("starts_at")
    )
    return [
        PlannedSession(
            starts_at=a.starts_at,
            confirmed=a.confirmed,
            client_name=a.client.name,
            client_username=a.client.username,
            client_phone=a.client.phone,
        )
        for a in rows
    ]
