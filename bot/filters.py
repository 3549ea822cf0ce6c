"""Who may use a router: a registered client, a psychologist, staff; they inject the profile.
And whose a session is: a tap naming an appointment of the client injects the session."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import TelegramObject

from domain.booking import sessions
from domain.errors import DomainError
from domain.people.profiles import ClientProfile
from domain.people.telegram_users import TelegramUser


class RegisteredClient(Filter):
    async def __call__(self, event: TelegramObject, person: TelegramUser | None = None) -> Any:
        if person is not None and person.client is not None:
            return {"client": person.client}
        return False


class Unregistered(Filter):
    """A user with no client profile who is neither a psychologist nor staff."""

    async def __call__(self, event: TelegramObject, person: TelegramUser | None = None) -> bool:
        return (
            person is not None
            and person.client is None
            and person.psychologist is None
            and not person.is_staff
        )


class IsPsychologist(Filter):
    async def __call__(self, event: TelegramObject, person: TelegramUser | None = None) -> Any:
        if person is not None and person.psychologist is not None:
            return {"psychologist": person.psychologist}
        return False


class IsStaff(Filter):
    async def __call__(self, event: TelegramObject, person: TelegramUser | None = None) -> bool:
        return person is not None and person.is_staff


class OwnAppointment(Filter):
    """A tap whose callback data names an appointment (`appointment_id`) of the client, after
    RegisteredClient: injects it as `appointment` (a domain.booking.sessions.Session). With
    `active=True` only a session still to take place passes. A tap that does not pass goes
    on to later handlers: a session's button is answered as a session no longer there (by
    the sessions router), a time's as an outdated button (by the fallback)."""

    def __init__(self, *, active: bool = False) -> None:
        self.active = active

    async def __call__(
        self, event: TelegramObject, callback_data: CallbackData, client: ClientProfile
    ) -> Any:
        appointment_id = getattr(callback_data, "appointment_id", 0)
        try:
            session = await sessions.own_session(client.id, appointment_id, active=self.active)
        except DomainError:
            return False
        return {"appointment": session}
