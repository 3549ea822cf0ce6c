"""Who may use a router: a registered client, a psychologist, staff; they inject the row."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from domain.bot_views import Person


class RegisteredClient(Filter):
    async def __call__(self, event: TelegramObject, person: Person | None = None) -> Any:
        if person is not None and person.client is not None:
            return {"client": person.client}
        return False


class Unregistered(Filter):
    """A user with no client row who is neither a psychologist nor staff."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return (
            person is not None
            and person.client is None
            and person.psychologist is None
            and not person.is_staff
        )


class IsPsychologist(Filter):
    async def __call__(self, event: TelegramObject, person: Person | None = None) -> Any:
        if person is not None and person.psychologist is not None:
            return {"psychologist": person.psychologist}
        return False


class IsStaff(Filter):
    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None and person.is_staff
